import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, In, QueryFailedError, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { ConversationsService } from '../../conversations/conversations.service';
import { OmittedAttachmentView } from '../../conversations/conversation.view';
import { MessageEntity } from '../../conversations/message.entity';
import { CustomerEntity } from '../../customers/customer.entity';
import { CustomersService } from '../../customers/customers.service';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { DirectoryService } from '../../routing/directory.service';
import { MAX_PRIORITY } from '../../routing/virtual-deadline';
import { TaskEntity } from '../../tasks/task.entity';
import { TasksService } from '../../tasks/tasks.service';
import { EmailAnalysis } from './analysis/email-analysis';
import { PriorityRulesService } from './analysis/priority-rules.service';
import { EmailAcknowledger } from './email-acknowledger.service';
import { EmailAutoResponder } from './email-auto-responder.service';
import { EmailAttachmentEntity } from './email-attachment.entity';
import { EMAIL_LIMITS } from './email-limits';
import { parseEmail } from './email-parser';
import { EmailThreadingService } from './email-threading.service';
import { FetchedMail } from './imap/mailbox-watcher';
import { judgeSender } from './loop-defence';
import { MailboxEntity } from './mailbox.entity';
import { MailboxesService } from './mailboxes.service';
import { ParsedEmail } from './parsed-email';
import { QuarantinedMailEntity } from './quarantined-mail.entity';

export type IngestOutcome = 'ingested' | 'duplicate' | 'quarantined';

const UNIQUE_VIOLATION = '23505';
/** Follow-ups of one mail tried this often before the mailbox moves on without them (see followUp). */
const FOLLOW_UP_ATTEMPTS = 5;
/** One node runs a mail's follow-ups at a time: the claim (`meta.followUpLockedUntil`) lasts this long. */
const FOLLOW_UP_CLAIM_MS = 2 * 60 * 1000;
/** After FOLLOW_UP_ATTEMPTS, the sweep waits sweep interval × 2^(failures − attempts) between tries, at most this. */
const MAX_FOLLOW_UP_BACKOFF_MS = 60 * 60 * 1000;
/** Mails the sweep takes at once (oldest first; the rest wait for the next sweep). */
const SWEEP_BATCH = 100;
/**
 * Mail older than this when ingested (a new mailbox's existing inbox, a rebuilt
 * folder) is queued but gets no acknowledgement or auto-reply: telling
 * last month's customers "we received your message" would be noise.
 */
const STALE_AFTER_MS = 24 * 3600 * 1000;

/** What ingestion stores in `messages.meta` of an inbound mail. */
export interface InboundMeta {
  /** Where answers go (Reply-To or From); null for machine mail. */
  replyAddress: string | null;
  automatic: string | null;
  noReply: boolean;
  analysis: EmailAnalysis | null;
  threadedBy: 'headers' | 'reference' | null;
  /** Attachments over the size limits, not stored (shown as the message's `omittedAttachments`). */
  attachmentsOmitted: OmittedAttachmentView[];
  /** Written more than a day before it was ingested (a first sync of an old inbox): queued, but not acknowledged. */
  stale?: boolean;
  /** Every follow-up (task, acknowledgement, auto-reply) is done; a re-fetch of the mail does nothing. */
  processed: boolean;
  /** Epoch ms (database clock): a node is running the follow-ups, or they failed and wait until then (see claimFollowUp). */
  followUpLockedUntil?: number | null;
  taskId: string | null;
  [key: string]: unknown;
}

/**
 * One inbound mail → at most one message, in the right conversation, with a
 * task in the universal queue (or added to the task already open on that
 * conversation), an acknowledgement and perhaps an auto-reply.
 *
 * Commit first, follow up after: the message row (the dedupe key is the
 * Message-ID, unique for inbound email), its attachments and a new
 * conversation are written in one transaction; the follow-ups are idempotent (task externalId
 * `email:<message>`, outbox keys `ack:`/`auto:`) and marked done in
 * `meta.processed`, so a mail fetched again after a crash finishes what was
 * left and a mail fetched twice, or reaching two mailboxes, does nothing more.
 */
@Injectable()
export class EmailIngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmailIngestService.name);
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectRepository(QuarantinedMailEntity) private readonly quarantine: Repository<QuarantinedMailEntity>,
    private readonly mailboxes: MailboxesService,
    private readonly customers: CustomersService,
    private readonly conversations: ConversationsService,
    private readonly threading: EmailThreadingService,
    private readonly rules: PriorityRulesService,
    private readonly autoResponder: EmailAutoResponder,
    private readonly acknowledger: EmailAcknowledger,
    private readonly taskService: TasksService,
    private readonly directory: DirectoryService,
    private readonly emitter: SocketEmitter,
  ) {}

  async ingest(mailbox: MailboxEntity, mail: FetchedMail): Promise<IngestOutcome> {
    if (mail.size > EMAIL_LIMITS.maxMessageBytes) return this.quarantined(mailbox, mail, `too large (${mail.size} bytes, limit ${EMAIL_LIMITS.maxMessageBytes})`);
    const parsed = await parseEmail(mail.raw);
    if (!parsed.ok) return this.quarantined(mailbox, mail, parsed.reason);
    const email = parsed.email;
    const messageId = email.messageId ?? `${createHash('sha256').update(mail.raw).digest('hex').slice(0, 32)}@no-message-id.acd`;

    const existing = await this.inbound(messageId);
    if (existing) return this.duplicate(mailbox, existing);

    const own = await this.mailboxes.ownAddresses();
    const verdict = ownMail(email, own)
      ? { automatic: 'sent by one of our own mailboxes', noReply: true, replyAddress: null, customerAddress: null }
      : judgeSender(email);
    const customer = verdict.automatic ? null : await this.customers.findOrCreateByEmail(verdict.customerAddress ?? (email.fromAddress as string), email.fromName);
    const thread = await this.threading.find(email, customer?.id ?? null);
    const analysis = verdict.automatic ? null : this.rules.analyze({ subject: email.subject, text: email.text, fromAddress: email.fromAddress, headers: email.headers });
    const meta: InboundMeta = {
      replyAddress: verdict.replyAddress,
      automatic: verdict.automatic,
      noReply: verdict.noReply,
      analysis,
      threadedBy: thread?.by ?? null,
      attachmentsOmitted: [],
      processed: false,
      taskId: null,
      stale: !!email.date && Date.now() - email.date.getTime() > STALE_AFTER_MS,
    };

    let committed: { message: MessageEntity; conversation: ConversationEntity; isNew: boolean };
    try {
      committed = await this.commit(mailbox, email, messageId, meta, customer, thread?.conversation ?? null);
    } catch (error) {
      if (isUniqueViolation(error)) {
        // The same mail through another mailbox (or node) won the race: one message.
        const winner = await this.inbound(messageId);
        if (winner) return this.duplicate(mailbox, winner);
      }
      throw error;
    }
    await this.mailboxes.countIngested(mailbox.id, 'ingested');
    await this.followUp(mailbox, committed.message, committed.conversation, committed.isNew, customer);
    return 'ingested';
  }

  private async commit(
    mailbox: MailboxEntity,
    email: ParsedEmail,
    messageId: string,
    meta: InboundMeta,
    customer: CustomerEntity | null,
    threaded: ConversationEntity | null,
  ): Promise<{ message: MessageEntity; conversation: ConversationEntity; isNew: boolean }> {
    // The conversation of a new thread is written with its first message: a crash or a duplicate leaves neither.
    return this.dataSource.transaction(async (manager) => {
      if (threaded && threaded.status === 'closed' && !meta.automatic) {
        await manager.update(ConversationEntity, { id: threaded.id }, { status: 'open' });
      }
      const conversation = threaded ?? (await this.conversations.open({ customerId: customer?.id ?? null, channel: 'email', subject: email.subject || null }, manager));
      const message = await manager.save(
        manager.create(MessageEntity, {
          conversationId: conversation.id,
          channel: 'email',
          direction: 'in',
          from: email.fromAddress,
          to: email.to.join(', ') || mailbox.address,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId,
          inReplyTo: email.inReplyTo,
          references: email.references,
          mailboxId: mailbox.id,
          authorAgentId: null,
          meta,
          at: new Date(),
        }),
      );
      meta.attachmentsOmitted = await this.saveAttachments(manager.getRepository(EmailAttachmentEntity), message.id, email);
      if (meta.attachmentsOmitted.length) await manager.query(`UPDATE messages SET meta = $2 WHERE id = $1`, [message.id, JSON.stringify(meta)]);
      return { message, conversation, isNew: !threaded };
    });
  }

  /** Stores the attachments within the limits, in the mail's order; answers the ones left out. */
  private async saveAttachments(repo: Repository<EmailAttachmentEntity>, messageRowId: string, email: ParsedEmail): Promise<OmittedAttachmentView[]> {
    const omitted: OmittedAttachmentView[] = [];
    let total = 0;
    for (const attachment of email.attachments) {
      const { filename, size } = attachment;
      if (size > this.config.emailMaxAttachmentBytes) {
        omitted.push({ filename, size, reason: 'attachment_too_large' });
        continue;
      }
      if (total + size > this.config.emailMaxAttachmentsTotalBytes) {
        omitted.push({ filename, size, reason: 'attachments_total_too_large' });
        continue;
      }
      total += attachment.size;
      await repo.insert({ messageId: messageRowId, filename: attachment.filename, contentType: attachment.contentType, size: attachment.size, content: attachment.content });
    }
    return omitted;
  }

  /**
   * Follow-ups that keep failing must not hold the mailbox back forever: the
   * first failures are rethrown (the watcher retries the mail with backoff);
   * after FOLLOW_UP_ATTEMPTS the mail is let go with the error recorded on the
   * message and the mailbox, and the periodic sweep (`sweepPendingFollowUps`,
   * every EMAIL_FOLLOW_UP_SWEEP_SECONDS on every node) keeps trying, with
   * backoff — the message itself is safe either way.
   *
   * Whoever runs them (the watcher, a re-fetch, the sweep of any node) first
   * claims the mail in one UPDATE, so two never run at once; a claim not
   * released (a node died) lapses after FOLLOW_UP_CLAIM_MS.
   */
  private async followUp(
    mailbox: MailboxEntity,
    message: MessageEntity,
    conversation: ConversationEntity,
    isNew: boolean,
    customer: CustomerEntity | null,
  ): Promise<void> {
    const claimed = await this.claimFollowUp(message.id);
    if (!claimed) return; // done already, or another node is on it (or it waits for its backoff)
    message.meta = claimed;
    try {
      await this.doFollowUp(mailbox, message, conversation, isNew, customer);
    } catch (error) {
      const meta = message.meta as InboundMeta;
      const failures = Number(meta.followUpFailures ?? 0) + 1;
      const reason = error instanceof Error ? error.message : String(error);
      // Before the give-up the watcher retries at once; after it, the sweep backs off.
      const backoffMs = failures < FOLLOW_UP_ATTEMPTS ? 0 : Math.min(this.config.emailFollowUpSweepMs * 2 ** (failures - FOLLOW_UP_ATTEMPTS), MAX_FOLLOW_UP_BACKOFF_MS);
      await this.messages
        .query(
          `UPDATE messages SET meta = meta || jsonb_build_object('followUpFailures', $2::int, 'followUpError', $3::text,
                  'followUpLockedUntil', (extract(epoch FROM now()) * 1000)::bigint + $4::bigint) WHERE id = $1`,
          [message.id, failures, reason, backoffMs],
        )
        .catch((saveError) => this.logger.error(`mail ${message.messageId}: follow-up failure not recorded: ${String(saveError)}`));
      meta.followUpFailures = failures;
      if (failures < FOLLOW_UP_ATTEMPTS) throw error;
      this.logger.error(`mail ${message.messageId} in ${mailbox.address}: follow-ups failed ${failures} times (${reason}); moving on, the follow-up sweep retries in ${Math.round(backoffMs / 1000)} s`);
      await this.mailboxes.setStatus(mailbox.id, { lastError: `follow-ups of ${message.messageId} failed: ${reason}` });
    }
  }

  /** The mail's meta, now claimed by this node; null when done, claimed elsewhere or waiting for its backoff. */
  private async claimFollowUp(messageRowId: string): Promise<InboundMeta | null> {
    const [rows]: [Array<{ meta: InboundMeta }>, number] = await this.messages.query(
      `UPDATE messages SET meta = meta || jsonb_build_object('followUpLockedUntil', (extract(epoch FROM now()) * 1000)::bigint + $2::bigint)
        WHERE id = $1 AND (meta ->> 'processed') = 'false'
          AND COALESCE((meta ->> 'followUpLockedUntil')::bigint, 0) <= (extract(epoch FROM now()) * 1000)::bigint
        RETURNING meta`,
      [messageRowId, FOLLOW_UP_CLAIM_MS],
    );
    return rows[0]?.meta ?? null;
  }

  onApplicationBootstrap(): void {
    const sweep = () => void this.sweepPendingFollowUps().catch((error) => this.logger.error(`follow-up sweep failed: ${String(error)}`));
    // At boot too: what a stopped node left half done (its claims lapse, see claimFollowUp).
    sweep();
    this.sweepTimer = setInterval(sweep, this.config.emailFollowUpSweepMs);
    this.sweepTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping?.catch(() => undefined);
  }

  /**
   * Finishes inbound mails whose follow-ups are still pending: given up after
   * FOLLOW_UP_ATTEMPTS, or left by a node that stopped. A mail younger than
   * one sweep interval is left to the watcher that is ingesting it. Each mail
   * is claimed (claimFollowUp), so with every node sweeping a mail is still
   * followed up by one. Answers how many mails it tried.
   */
  async sweepPendingFollowUps(): Promise<number> {
    if (this.sweeping || this.closing) return 0;
    const run = async (): Promise<number> => {
      const rows: Array<{ id: string }> = await this.messages.query(
        `SELECT id FROM messages
          WHERE direction = 'in' AND channel = 'email' AND (meta ->> 'processed') = 'false'
            AND at < now() - ($1::bigint * interval '1 millisecond')
            AND COALESCE((meta ->> 'followUpLockedUntil')::bigint, 0) <= (extract(epoch FROM now()) * 1000)::bigint
          ORDER BY at LIMIT ${SWEEP_BATCH}`,
        [this.config.emailFollowUpSweepMs],
      );
      for (const { id } of rows) {
        if (this.closing) break;
        const message = await this.messages.findOneBy({ id });
        const mailbox = message?.mailboxId ? await this.mailboxes.entity(message.mailboxId).catch(() => null) : null;
        if (!message || !mailbox) continue;
        await this.duplicate(mailbox, message).catch((error) => this.logger.warn(`mail ${message.messageId}: follow-ups still failing: ${String(error)}`));
      }
      if (rows.length) this.logger.log(`follow-up sweep: retried the follow-ups of ${rows.length} mail(s)`);
      return rows.length;
    };
    this.sweeping = run().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Task, and for the first mail of a new conversation an auto-reply or the acknowledgement: each idempotent, then `processed`. */
  private async doFollowUp(
    mailbox: MailboxEntity,
    message: MessageEntity,
    conversation: ConversationEntity,
    isNew: boolean,
    customer: CustomerEntity | null,
  ): Promise<void> {
    const meta = message.meta as InboundMeta;
    if (meta.processed) return;
    if (!meta.automatic) {
      // Automatic answers (auto-reply or acknowledgement) only open a conversation: a follow-up on a case
      // someone is working on goes to its owner untouched, whatever rule its words would match.
      const opening = isNew && !meta.stale;
      const answered = opening ? await this.autoResponder.answer({ mailbox, message, conversation, customer }) : null;
      const acknowledged = opening && !answered && mailbox.autoAcknowledge && !meta.noReply && !!meta.replyAddress;
      if (acknowledged) await this.acknowledger.acknowledge({ mailbox, message, conversation, customer });
      if (!answered?.closesRequest) meta.taskId = await this.routeToAgent(mailbox, message, conversation);
    } else {
      this.logger.log(`mail ${message.messageId} in ${mailbox.address} is automatic (${meta.automatic}): kept, no task, no answer`);
    }
    meta.processed = true;
    meta.followUpLockedUntil = null;
    await this.messages.query(`UPDATE messages SET meta = $2 WHERE id = $1`, [message.id, JSON.stringify(meta)]);
  }

  /**
   * A mail on a conversation that already has an open email task joins that
   * task (its agent is told); otherwise a new task, waiting first for the
   * agent who owns the conversation.
   */
  private async routeToAgent(mailbox: MailboxEntity, message: MessageEntity, conversation: ConversationEntity): Promise<string> {
    const open = await this.tasks.findOne({
      where: { conversationId: conversation.id, channel: 'email', status: In(['queued', 'offered', 'assigned']) },
      order: { createdAt: 'DESC' },
    });
    if (open) {
      if (open.status === 'assigned' && open.agentId) {
        this.emitter.toAgent(open.agentId, 'email:message', { taskId: open.id, conversationId: conversation.id, messageId: message.id, from: message.from, subject: message.subject });
      }
      return open.id;
    }
    const meta = message.meta as InboundMeta;
    const analysis = meta.analysis;
    const owner = conversation.ownerAgentId && this.directory.agent(conversation.ownerAgentId) ? conversation.ownerAgentId : undefined;
    const task = await this.taskService.create(
      {
        channel: 'email',
        queue: mailbox.queueId,
        priority: Math.min(MAX_PRIORITY, Math.max(0, analysis?.priorityBoost ?? 0)),
        preferredAgentId: owner,
        externalId: `email:${message.id}`,
        attributes: {
          source: 'email',
          mailboxId: mailbox.id,
          messageId: message.id,
          customerId: conversation.customerId,
          ref: conversation.ref,
          from: message.from,
          subject: message.subject,
          language: analysis?.language ?? 'en',
          sentiment: analysis?.sentiment ?? 'neutral',
          intent: analysis?.intent ?? 'other',
          origin: analysis?.origin ?? 'spontaneous',
          businessEvents: analysis?.businessEvents ?? [],
          priorityReasons: analysis?.priorityReasons ?? [],
          threadedBy: meta.threadedBy,
        },
      },
      { conversationId: conversation.id },
    );
    return task.id;
  }

  private async duplicate(mailbox: MailboxEntity, message: MessageEntity): Promise<IngestOutcome> {
    const meta = message.meta as InboundMeta | null;
    if (meta && !meta.processed) {
      // A crash (or the other mailbox's node) left the follow-ups half done: finish them, once.
      const conversation = await this.conversations.entity(message.conversationId);
      const customer = conversation.customerId ? await this.customers.entity(conversation.customerId) : null;
      const isNew = (await this.messages.countBy({ conversationId: conversation.id, direction: 'in' })) === 1 && !meta.threadedBy;
      const ownerMailbox = message.mailboxId ? await this.mailboxes.entity(message.mailboxId) : mailbox;
      await this.followUp(ownerMailbox, message, conversation, isNew, customer);
    }
    return 'duplicate';
  }

  private async inbound(messageId: string): Promise<MessageEntity | null> {
    return this.messages.findOneBy({ messageId, direction: 'in', channel: 'email' });
  }

  /** Keeps a mail raw with the reason (idempotent per mailbox, UIDVALIDITY and UID). */
  async quarantined(mailbox: MailboxEntity, mail: FetchedMail, reason: string): Promise<IngestOutcome> {
    const result = await this.quarantine
      .createQueryBuilder()
      .insert()
      .values({ mailboxId: mailbox.id, uidValidity: mail.uidValidity, uid: mail.uid, reason, raw: mail.raw, size: mail.size })
      .orIgnore()
      .execute();
    if (result.identifiers.length && result.raw.length) await this.mailboxes.countIngested(mailbox.id, 'quarantined');
    this.logger.warn(`mailbox ${mailbox.address} uid ${mail.uid}: quarantined (${reason})`);
    return 'quarantined';
  }
}

function ownMail(email: ParsedEmail, own: Set<string>): boolean {
  return !!email.fromAddress && own.has(email.fromAddress);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
