import { plainToInstance, Transform } from 'class-transformer';
import { EMAIL_LIMITS } from '../channels/email/email-limits';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** Larger mail is quarantined unread: no attachment limit above it means anything. */
const MAX_MESSAGE_BYTES = EMAIL_LIMITS.maxMessageBytes;

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * The process environment, validated once at boot. Every setting of the app is
 * here; nothing else reads `process.env`.
 */
export class EnvironmentVariables {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  /** Postgres URL; unset → an embedded PostgreSQL under ACD_DATA_DIR. */
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** Redis URL; unset → the in-process state store (single node). */
  @IsOptional() @Transform(emptyToUndefined) @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Key prefix in Redis; use a hash tag such as `{acd}:` on Redis Cluster. */
  @IsOptional() @IsString() @MinLength(1)
  ACD_REDIS_PREFIX?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  @IsOptional() @Transform(emptyToUndefined) @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'ACD_ADMIN_EMAIL must be an email address' })
  ACD_ADMIN_EMAIL?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(8, { message: 'ACD_ADMIN_PASSWORD must be at least 8 characters' })
  ACD_ADMIN_PASSWORD?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(16, { message: 'TELEPHONY_SECRET must be at least 16 characters' })
  TELEPHONY_SECRET?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false, require_protocol: true }, { message: 'TELEPHONY_WEBHOOK_URL must be an http(s) URL' })
  TELEPHONY_WEBHOOK_URL?: string;

  /** Where the embedded PostgreSQL and generated secrets live. */
  @IsOptional() @IsString()
  ACD_DATA_DIR?: string;

  /** Port of the embedded PostgreSQL (only used when DATABASE_URL is unset); listens on 127.0.0.1 only. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  ACD_EMBEDDED_PG_PORT?: number;

  /** How long an agent whose socket dropped keeps its state before going offline. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  ACD_DISCONNECT_GRACE_SECONDS?: number;

  /** After a reject, how long the task is not offered to that agent again. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  ACD_REJECT_COOLDOWN_SECONDS?: number;

  /** Key for mailbox passwords at rest (≥ 32 characters); unset → derived from the JWT signing secret. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(32, { message: 'ACD_SECRETS_KEY must be at least 32 characters' })
  ACD_SECRETS_KEY?: string;

  /** At most this many automatic mails (acknowledgements, auto-replies) to one address per 24 hours. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(100)
  EMAIL_AUTO_MAILS_PER_DAY?: number;

  /** First retry delay after a temporary SMTP failure (doubles each attempt). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  EMAIL_RETRY_BASE_SECONDS?: number;

  /** Full resync of each mailbox (fallback behind IMAP IDLE). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(5) @Max(86400)
  EMAIL_RESYNC_SECONDS?: number;

  /** An IDLE connection silent for this long is torn down and re-established. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(5) @Max(3600)
  EMAIL_IDLE_WATCHDOG_SECONDS?: number;

  /** How often each node retries inbound mails whose follow-ups (task, acknowledgement) are still pending. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  EMAIL_FOLLOW_UP_SWEEP_SECONDS?: number;

  /** An inbound attachment larger than this is not stored (its message names it in `omittedAttachments`). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(MAX_MESSAGE_BYTES)
  EMAIL_MAX_ATTACHMENT_BYTES?: number;

  /** Attachments of one inbound mail are stored up to this total; the ones beyond are omitted. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(MAX_MESSAGE_BYTES)
  EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES?: number;

  /** Set to "false" on nodes that must not watch mailboxes. */
  @IsOptional() @IsIn(['true', 'false'])
  EMAIL_INGESTION?: 'true' | 'false';

  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

/** The typed configuration object injected everywhere (see AppConfigModule). */
export interface AppConfig {
  port: number;
  databaseUrl: string | null;
  redisUrl: string | null;
  redisPrefix: string;
  jwtSecret: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  telephonySecret: string | null;
  telephonyWebhookUrl: string | null;
  dataDir: string;
  embeddedPostgresPort: number;
  disconnectGraceMs: number;
  rejectCooldownMs: number;
  secretsKey: string | null;
  emailAutoMailsPerDay: number;
  emailRetryBaseMs: number;
  emailResyncMs: number;
  emailIdleWatchdogMs: number;
  emailFollowUpSweepMs: number;
  emailMaxAttachmentBytes: number;
  emailMaxAttachmentsTotalBytes: number;
  emailIngestion: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigValidationError extends Error {}

/** Parses and validates an environment; throws naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = plainToInstance(EnvironmentVariables, { ...env }, { enableImplicitConversion: false });
  const errors = validateSync(parsed, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigValidationError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return {
    port: parsed.PORT ?? 3000,
    databaseUrl: parsed.DATABASE_URL ?? null,
    redisUrl: parsed.REDIS_URL ?? null,
    redisPrefix: parsed.ACD_REDIS_PREFIX ?? 'acd:',
    jwtSecret: parsed.JWT_SECRET ?? null,
    adminEmail: parsed.ACD_ADMIN_EMAIL ?? null,
    adminPassword: parsed.ACD_ADMIN_PASSWORD ?? null,
    telephonySecret: parsed.TELEPHONY_SECRET ?? null,
    telephonyWebhookUrl: parsed.TELEPHONY_WEBHOOK_URL ?? null,
    dataDir: parsed.ACD_DATA_DIR ?? '.data',
    embeddedPostgresPort: parsed.ACD_EMBEDDED_PG_PORT ?? 54329,
    disconnectGraceMs: (parsed.ACD_DISCONNECT_GRACE_SECONDS ?? 30) * 1000,
    rejectCooldownMs: (parsed.ACD_REJECT_COOLDOWN_SECONDS ?? 30) * 1000,
    secretsKey: parsed.ACD_SECRETS_KEY ?? null,
    emailAutoMailsPerDay: parsed.EMAIL_AUTO_MAILS_PER_DAY ?? 3,
    emailRetryBaseMs: (parsed.EMAIL_RETRY_BASE_SECONDS ?? 30) * 1000,
    emailResyncMs: (parsed.EMAIL_RESYNC_SECONDS ?? 300) * 1000,
    emailIdleWatchdogMs: (parsed.EMAIL_IDLE_WATCHDOG_SECONDS ?? 60) * 1000,
    emailFollowUpSweepMs: (parsed.EMAIL_FOLLOW_UP_SWEEP_SECONDS ?? 60) * 1000,
    emailMaxAttachmentBytes: parsed.EMAIL_MAX_ATTACHMENT_BYTES ?? 10 * 1024 * 1024,
    emailMaxAttachmentsTotalBytes: parsed.EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES ?? 20 * 1024 * 1024,
    emailIngestion: parsed.EMAIL_INGESTION !== 'false',
    logLevel: parsed.LOG_LEVEL ?? 'log',
  };
}
