import { Transform } from 'class-transformer';

/** Emails are compared case-insensitively: stored lowercased and trimmed. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value));

export const Trim = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export const NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;

/** What a PBX dials: digits, SIP user parts, feature codes. */
export const EXTENSION_PATTERN = /^[A-Za-z0-9+*#._@:-]{1,64}$/;
