import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createTransport, Transporter } from 'nodemailer';
import { DataSource, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { MessageEntity } from '../../conversations/message.entity';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { ReplyView } from '../../gateway/socket-events';
import { isLoopback } from './imap/mailbox-watcher';
import { MailboxEntity } from './mailbox.entity';
import { MailboxesService } from './mailboxes.service';
import { OutboundAttachment, OutboundKind, OutboundMailEntity, OutboundStatus } from './outbound-mail.entity';

const MAX_ATTEMPTS = 8;
/** Writing `sent` after the SMTP server accepted the mail is retried this often. */
const RECORD_ATTEMPTS = 4;
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
/**
 * Backstop sweep: mail a node enqueued and then died before sending is picked
 * up by the others within this (each node also sweeps at boot and arms a timer
 * for its own retries).
 */
const SWEEP_INTERVAL_MS = 60_000;
/** A row left in `sending` this long was being sent by a node that died (see docs/email.md). */
const STALE_SENDING_MS = 5 * 60 * 1000;

export interface NewOutboundMail {
  kind: OutboundKind;
  /** Makes the enqueue happen once (e.g. `ack:<message uuid>`, `reply:<conversation>:<agent>:<client key>`); null: no dedupe. */
  idempotencyKey: string | null;
  mailbox: MailboxEntity;
  conversationId: string;
  taskId?: string | null;
  authorAgentId?: string | null;
  templateId?: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments?: OutboundAttachment[];
  /** Set → the mail waits in `pending_approval` with this reason. */
  reviewReason?: string | null;
}

/**
 * The outbox. Every mail is a row first (with its final Message-ID), then
 * sent by the node that moves it `queued → sending` in one UPDATE, so two
 * nodes never send it twice and a restart never drops it. A temporary SMTP
 * failure (4xx, connection refused, timeout) puts it back to `queued` with an
 * exponential delay; a permanent one (5xx) or the last attempt marks it
 * `failed`. On `sent`, the mail becomes an outbound message of its
 * conversation in the same transaction. Retries are timers armed for the
 * earliest due row; each node sends what is due at boot and, as a backstop
 * for rows a dead node left behind, once a minute.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxService.name);
  private readonly transports = new Map<string, { key: string; transport: Transporter }>();
  private retryTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private retryAt = Infinity;
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sentListeners: Array<(mail: OutboundMailEntity) => void> = [];

  constructor(
    @InjectRepository(OutboundMailEntity) private readonly outbox: Repository<OutboundMailEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailboxes: MailboxesService,
    private readonly emitter: SocketEmitter,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = () => this.sweep().catch((error) => this.logger.error(`outbox sweep failed: ${String(error)}`));
    void sweep();
    this.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.inFlight]);
    for (const { transport } of this.transports.values()) transport.close();
  }

  onSent(listener: (mail: OutboundMailEntity) => void): void {
    this.sentListeners.push(listener);
  }

  /** Adds a mail to the outbox and starts sending it (unless it waits for approval). Idempotent on `idempotencyKey`. */
  async enqueue(input: NewOutboundMail): Promise<OutboundMailEntity> {
    const result = await this.outbox.createQueryBuilder().insert().values(this.row(input)).orIgnore().returning('id').execute();
    const inserted = result.raw.length > 0;
    const row = inserted
      ? await this.outbox.findOneByOrFail({ id: (result.raw[0] as { id: string }).id })
      : await this.outbox.findOneByOrFail({ idempotencyKey: input.idempotencyKey as string });
    if (inserted) this.started(row);
    return row;
  }

  /**
   * An automatic mail (acknowledgement, auto-reply), at most `perDay` to one
   * address in 24 hours: the count and the insert happen under a transaction
   * lock on the address, so two mails from one sender ingested at once (two
   * mailboxes, two nodes) cannot both pass the cap. Null when the cap stops
   * it; the existing row when this key was already enqueued (a retry).
   */
  async enqueueAutomatic(input: NewOutboundMail & { idempotencyKey: string }, perDay: number): Promise<OutboundMailEntity | null> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(OutboundMailEntity, { idempotencyKey: input.idempotencyKey });
      if (existing) return { row: existing, inserted: false };
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`automatic-mail:${input.to}`]);
      const [{ count }]: Array<{ count: string }> = await manager.query(
        `SELECT count(*) AS count FROM outbound_mails
          WHERE to_address = $1 AND kind IN ('acknowledgement', 'auto-reply') AND status <> 'failed'
            AND created_at > now() - interval '24 hours'`,
        [input.to],
      );
      if (Number(count) >= perDay) return null;
      const row = await manager.save(manager.create(OutboundMailEntity, this.row(input)));
      return { row, inserted: true };
    });
    if (!outcome) {
      this.logger.warn(`no ${input.kind} to ${input.to}: ${perDay} automatic mails already in the last 24 h`);
      return null;
    }
    if (outcome.inserted) this.started(outcome.row);
    return outcome.row;
  }

  private row(input: NewOutboundMail): Partial<OutboundMailEntity> {
    const domain = input.mailbox.address.split('@')[1] ?? 'acd.local';
    return {
      idempotencyKey: input.idempotencyKey,
      kind: input.kind,
      status: input.reviewReason ? 'pending_approval' : 'queued',
      mailboxId: input.mailbox.id,
      conversationId: input.conversationId,
      taskId: input.taskId ?? null,
      authorAgentId: input.authorAgentId ?? null,
      templateId: input.templateId ?? null,
      fromAddress: input.mailbox.address,
      toAddress: input.to,
      subject: input.subject,
      text: input.text,
      html: input.html ?? null,
      messageId: `${randomUUID()}@${domain}`,
      inReplyTo: input.inReplyTo,
      references: input.references,
      attachments: input.attachments ?? [],
      reviewReason: input.reviewReason ?? null,
      nextAttemptAt: input.reviewReason ? null : new Date(),
    };
  }

  /** A new row: send it now, or show it in the approval queue. */
  private started(row: OutboundMailEntity): void {
    if (row.status === 'queued') this.kick(row.id);
    if (row.status === 'pending_approval') this.emitter.toSupervisors('reply:updated', { reply: toReplyView(row) });
  }

  /** Moves a pending reply to the send queue (approval). Null when it was not pending. */
  async release(id: string, reviewerId: string, comment: string | null): Promise<OutboundMailEntity | null> {
    const result = await this.outbox.update(
      { id, status: 'pending_approval' },
      { status: 'queued', reviewedBy: reviewerId, reviewComment: comment, reviewedAt: new Date(), nextAttemptAt: new Date() },
    );
    if (!result.affected) return null;
    this.kick(id);
    return this.outbox.findOneByOrFail({ id });
  }

  async reject(id: string, reviewerId: string, comment: string): Promise<OutboundMailEntity | null> {
    const result = await this.outbox.update(
      { id, status: 'pending_approval' },
      { status: 'rejected', reviewedBy: reviewerId, reviewComment: comment, reviewedAt: new Date() },
    );
    return result.affected ? this.outbox.findOneByOrFail({ id }) : null;
  }

  private kick(id: string): void {
    if (this.closing) return;
    const job = this.send(id)
      .catch((error) => this.logger.error(`outbound mail ${id}: ${String(error)}`))
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  private async send(id: string): Promise<void> {
    // An UPDATE through query() answers [rows, affected]: the claim is the rows.
    const [claimed]: [Array<{ id: string }>, number] = await this.outbox.query(
      `UPDATE outbound_mails SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
        RETURNING id`,
      [id],
    );
    if (claimed.length === 0) return;
    // Everything after the claim is inside the try: a row must never stay in `sending` because a lookup threw.
    let mail: OutboundMailEntity | null = null;
    try {
      mail = await this.outbox.findOneByOrFail({ id });
      const mailbox = await this.mailboxes.entity(mail.mailboxId);
      await this.transport(mailbox).sendMail({
        from: mailbox.displayName ? { name: mailbox.displayName, address: mailbox.address } : mailbox.address,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        messageId: `<${mail.messageId}>`,
        inReplyTo: mail.inReplyTo ? `<${mail.inReplyTo}>` : undefined,
        references: mail.references.length ? mail.references.map((ref) => `<${ref}>`).join(' ') : undefined,
        headers: mail.kind === 'reply' ? {} : { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' },
        attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
      });
    } catch (error) {
      await this.failed(id, mail, error);
      return;
    }
    await this.delivered(mail);
  }

  /**
   * The SMTP server has the mail: record it, trying a few times — a row left
   * in `sending` would be sent again by the stale sweep.
   */
  private async delivered(mail: OutboundMailEntity): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.recordSent(mail);
        break;
      } catch (error) {
        if (attempt >= RECORD_ATTEMPTS) {
          this.logger.error(`outbound mail ${mail.id} was sent but could not be recorded (${String(error)}); the stale sweep may send it again`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
    const sent = await this.outbox.findOneByOrFail({ id: mail.id });
    this.logger.log(`sent ${mail.kind} ${mail.id} to ${mail.toAddress} (attempt ${mail.attempts})`);
    this.announce(sent);
    for (const listener of this.sentListeners) listener(sent);
  }

  private async recordSent(mail: OutboundMailEntity): Promise<void> {
    const sentAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(OutboundMailEntity, { id: mail.id }, { status: 'sent', sentAt, lastError: null, nextAttemptAt: null });
      await manager.save(MessageEntity, manager.create(MessageEntity, {
        conversationId: mail.conversationId,
        channel: 'email',
        direction: 'out',
        from: mail.fromAddress,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        mailboxId: mail.mailboxId,
        authorAgentId: mail.authorAgentId,
        meta: { kind: mail.kind, outboundId: mail.id, templateId: mail.templateId },
        at: sentAt,
      }));
    });
  }

  /** `mail` is null when the row itself could not be read (then the failure counts as temporary). */
  private async failed(id: string, mail: OutboundMailEntity | null, error: unknown): Promise<void> {
    const code = (error as { responseCode?: number }).responseCode;
    const message = error instanceof Error ? error.message : String(error);
    const permanent = typeof code === 'number' && code >= 500;
    const attempts = mail?.attempts ?? 1;
    const to = mail?.toAddress ?? '?';
    if (permanent || attempts >= MAX_ATTEMPTS) {
      await this.outbox.update({ id }, { status: 'failed', lastError: message, nextAttemptAt: null });
      this.logger.error(`outbound mail ${id} to ${to} failed for good after ${attempts} attempt(s): ${message}`);
      this.announce(await this.outbox.findOneByOrFail({ id }));
      return;
    }
    const delay = Math.min(this.config.emailRetryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    const nextAttemptAt = new Date(Date.now() + delay);
    await this.outbox.update({ id }, { status: 'queued', lastError: message, nextAttemptAt });
    this.logger.warn(`outbound mail ${id} to ${to}: attempt ${attempts} failed (${message}); retrying in ${delay} ms`);
    this.armRetry(nextAttemptAt.getTime());
  }

  /** Sends what is due (after a restart, or when a retry timer fires) and arms a timer for the next one. */
  private async sweep(): Promise<void> {
    if (this.closing) return;
    // Rows a dead node left in `sending`: the SMTP transaction may or may not have completed. They are
    // sent again with the same Message-ID, which receiving systems use to drop a duplicate.
    await this.outbox.query(
      `UPDATE outbound_mails SET status = 'queued', next_attempt_at = now()
        WHERE status = 'sending' AND updated_at < now() - ($1 || ' milliseconds')::interval`,
      [String(STALE_SENDING_MS)],
    );
    const due = await this.outbox.find({ select: { id: true, nextAttemptAt: true }, where: { status: 'queued' }, order: { nextAttemptAt: 'ASC' }, take: 100 });
    const now = Date.now();
    const later: number[] = [];
    for (const row of due) {
      const at = row.nextAttemptAt?.getTime() ?? now;
      if (at <= now) this.kick(row.id);
      else later.push(at);
    }
    if (later.length) this.armRetry(Math.min(...later));
  }

  private armRetry(at: number): void {
    if (this.closing || at >= this.retryAt) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = Infinity;
      this.sweep().catch((error) => this.logger.error(`outbox retry sweep failed: ${String(error)}`));
    }, Math.max(0, at - Date.now()));
    this.retryTimer.unref();
  }

  private announce(mail: OutboundMailEntity): void {
    const reply = toReplyView(mail);
    if (mail.authorAgentId) this.emitter.toAgent(mail.authorAgentId, 'reply:updated', { reply });
    if (mail.kind === 'reply') this.emitter.toSupervisors('reply:updated', { reply });
  }

  private transport(mailbox: MailboxEntity): Transporter {
    const key = `${mailbox.updatedAt.getTime()}`;
    const cached = this.transports.get(mailbox.id);
    if (cached?.key === key) return cached.transport;
    cached?.transport.close();
    const password = this.mailboxes.smtpPassword(mailbox);
    const transport = createTransport({
      host: mailbox.smtp.host,
      port: mailbox.smtp.port,
      secure: mailbox.smtp.secure,
      auth: mailbox.smtp.user ? { user: mailbox.smtp.user, pass: password ?? '' } : undefined,
      // Same rule as IMAP: STARTTLS is required unless TLS is implicit or the server is on this host.
      requireTLS: !mailbox.smtp.secure && !isLoopback(mailbox.smtp.host),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    this.transports.set(mailbox.id, { key, transport });
    return transport;
  }
}

export function toReplyView(mail: OutboundMailEntity): ReplyView {
  return {
    id: mail.id,
    kind: mail.kind,
    status: mail.status,
    conversationId: mail.conversationId,
    taskId: mail.taskId,
    authorAgentId: mail.authorAgentId,
    from: mail.fromAddress,
    to: mail.toAddress,
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    templateId: mail.templateId,
    attempts: mail.attempts,
    lastError: mail.lastError,
    reviewReason: mail.reviewReason,
    reviewComment: mail.reviewComment,
    reviewedBy: mail.reviewedBy,
    createdAt: mail.createdAt.toISOString(),
    sentAt: mail.sentAt?.toISOString() ?? null,
  };
}
