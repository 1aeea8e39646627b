import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { DirectoryService, QueueProfile } from '../../routing/directory.service';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { CreateMailboxDto, MailboxView, QuarantineView, UpdateMailboxDto } from './mailbox.dto';
import { MailboxEntity } from './mailbox.entity';
import { EmailException, EmailExceptionCode } from './email.exception';
import { QuarantinedMailEntity } from './quarantined-mail.entity';
import { SecretBox } from './secret-box';
import { ImapSettings } from './imap/mailbox-watcher';

/** Published when a mailbox is created, changed or disabled, so every node's runner reconsiders it. */
export const MAILBOXES_TOPIC = 'mailboxes:changed';

export interface MailboxStatusUpdate {
  connected?: boolean;
  lastSyncAt?: Date | null;
  lastError?: string | null;
}

/** Mailbox settings (secrets sealed at rest, never returned), ingestion cursor and live status. */
@Injectable()
export class MailboxesService implements OnModuleInit {
  private readonly logger = new Logger(MailboxesService.name);
  private readonly listeners: Array<(mailboxId: string) => void> = [];

  constructor(
    @InjectRepository(MailboxEntity) private readonly mailboxes: Repository<MailboxEntity>,
    @InjectRepository(QuarantinedMailEntity) private readonly quarantine: Repository<QuarantinedMailEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
    private readonly secrets: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.subscribe(MAILBOXES_TOPIC, (mailboxId) => this.listeners.forEach((listener) => listener(mailboxId)));
  }

  /** Called on every node when a mailbox changes (on any node). */
  onChanged(listener: (mailboxId: string) => void): void {
    this.listeners.push(listener);
  }

  async create(dto: CreateMailboxDto): Promise<MailboxView> {
    const queue = this.emailQueue(dto.queue);
    const entity = this.mailboxes.create({
      address: dto.address,
      displayName: dto.displayName ?? null,
      queueId: queue.id,
      imap: { host: dto.imap.host, port: dto.imap.port, secure: dto.imap.secure, user: dto.imap.user, folder: dto.imap.folder ?? 'INBOX' },
      imapPasswordSealed: this.secrets.seal(dto.imap.password),
      smtp: { host: dto.smtp.host, port: dto.smtp.port, secure: dto.smtp.secure, user: dto.smtp.user ?? null },
      smtpPasswordSealed: dto.smtp.password ? this.secrets.seal(dto.smtp.password) : null,
      autoAcknowledge: dto.autoAcknowledge ?? true,
      reviewComplaints: dto.reviewComplaints ?? false,
      enabled: dto.enabled ?? true,
    });
    let saved: MailboxEntity;
    try {
      saved = await this.mailboxes.save(entity);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new EmailException(EmailExceptionCode.MAILBOX_TAKEN, `mailbox ${dto.address} already exists`);
      }
      throw error;
    }
    await this.changed(saved.id);
    return this.view(saved);
  }

  async update(id: string, dto: UpdateMailboxDto): Promise<MailboxView> {
    const mailbox = await this.entity(id);
    const queue = dto.queue === undefined ? undefined : this.emailQueue(dto.queue);
    const patch: Partial<MailboxEntity> = {};
    if (dto.displayName !== undefined) patch.displayName = dto.displayName;
    if (queue) patch.queueId = queue.id;
    if (dto.imap) {
      patch.imap = { host: dto.imap.host, port: dto.imap.port, secure: dto.imap.secure, user: dto.imap.user, folder: dto.imap.folder ?? 'INBOX' };
      patch.imapPasswordSealed = this.secrets.seal(dto.imap.password);
      // Another server or folder: its UIDs mean nothing against the old cursor (Message-ID dedupe covers the rescan).
      if (dto.imap.host !== mailbox.imap.host || dto.imap.user !== mailbox.imap.user || patch.imap.folder !== mailbox.imap.folder) {
        patch.uidValidity = null;
        patch.lastUid = 0;
      }
    }
    if (dto.smtp) {
      patch.smtp = { host: dto.smtp.host, port: dto.smtp.port, secure: dto.smtp.secure, user: dto.smtp.user ?? null };
      if (dto.smtp.password !== undefined) patch.smtpPasswordSealed = this.secrets.seal(dto.smtp.password);
    }
    if (dto.autoAcknowledge !== undefined) patch.autoAcknowledge = dto.autoAcknowledge;
    if (dto.reviewComplaints !== undefined) patch.reviewComplaints = dto.reviewComplaints;
    if (dto.enabled !== undefined) patch.enabled = dto.enabled;
    await this.mailboxes.update({ id }, patch);
    await this.changed(id);
    return this.view(await this.entity(id));
  }

  async list(): Promise<MailboxView[]> {
    return (await this.mailboxes.find({ order: { createdAt: 'ASC' } })).map((mailbox) => this.view(mailbox));
  }

  async get(id: string): Promise<MailboxView> {
    return this.view(await this.entity(id));
  }

  async entity(id: string): Promise<MailboxEntity> {
    const mailbox = await this.mailboxes.findOneBy({ id });
    if (!mailbox) throw new EmailException(EmailExceptionCode.MAILBOX_NOT_FOUND, `mailbox ${id} not found`);
    return mailbox;
  }

  async enabledIds(): Promise<string[]> {
    return (await this.mailboxes.find({ select: { id: true }, where: { enabled: true } })).map((row) => row.id);
  }

  /** Every address we send from: mail "from" one of them is our own, never a customer. */
  async ownAddresses(): Promise<Set<string>> {
    return new Set((await this.mailboxes.find({ select: { address: true } })).map((row) => row.address));
  }

  imapSettings(mailbox: MailboxEntity): ImapSettings {
    return { ...mailbox.imap, password: this.secrets.open(mailbox.imapPasswordSealed) };
  }

  smtpPassword(mailbox: MailboxEntity): string | null {
    return mailbox.smtpPasswordSealed ? this.secrets.open(mailbox.smtpPasswordSealed) : null;
  }

  // Cursor and status writes are raw SQL on purpose: they must not touch `updated_at`, which is the
  // settings version (a watcher restarts and the SMTP transport is rebuilt when it changes).
  async saveCursor(id: string, cursor: { uidValidity: string | null; lastUid: number }): Promise<void> {
    await this.mailboxes.query(`UPDATE mailboxes SET uid_validity = $2, last_uid = $3 WHERE id = $1`, [id, cursor.uidValidity, cursor.lastUid]);
  }

  async setStatus(id: string, status: MailboxStatusUpdate): Promise<void> {
    const columns = { connected: 'connected', lastSyncAt: 'last_sync_at', lastError: 'last_error' } as const;
    const entries = (Object.keys(columns) as Array<keyof typeof columns>).filter((key) => status[key] !== undefined);
    if (entries.length === 0) return;
    await this.mailboxes.query(
      `UPDATE mailboxes SET ${entries.map((key, i) => `${columns[key]} = $${i + 2}`).join(', ')} WHERE id = $1`,
      [id, ...entries.map((key) => status[key])],
    );
  }

  async countIngested(id: string, outcome: 'ingested' | 'quarantined'): Promise<void> {
    const column = outcome === 'ingested' ? 'messages_ingested' : 'messages_quarantined';
    await this.mailboxes.query(`UPDATE mailboxes SET ${column} = ${column} + 1 WHERE id = $1`, [id]);
  }

  async listQuarantine(mailboxId?: string): Promise<QuarantineView[]> {
    const rows = await this.quarantine.find({ where: mailboxId ? { mailboxId } : {}, order: { createdAt: 'DESC' }, take: 200 });
    return rows.map((row) => ({
      id: row.id,
      mailboxId: row.mailboxId,
      uid: row.uid,
      uidValidity: row.uidValidity,
      reason: row.reason,
      size: row.size,
      createdAt: row.createdAt.toISOString(),
      preview: row.raw.subarray(0, 2048).toString('utf8'),
    }));
  }

  async quarantinedRaw(id: string): Promise<Buffer> {
    const row = await this.quarantine.findOneBy({ id });
    if (!row) throw new EmailException(EmailExceptionCode.QUARANTINE_NOT_FOUND, `quarantined mail ${id} not found`);
    return row.raw;
  }

  private emailQueue(idOrName: string): QueueProfile {
    const queue = this.directory.queueByIdOrName(idOrName);
    if (!queue) throw new EmailException(EmailExceptionCode.QUEUE_NOT_FOUND, `queue ${idOrName} does not exist`);
    if (queue.channel !== 'email') throw new EmailException(EmailExceptionCode.QUEUE_NOT_EMAIL, `queue ${queue.name} takes ${queue.channel} tasks, not email`);
    return queue;
  }

  private async changed(id: string): Promise<void> {
    await this.store.publish(MAILBOXES_TOPIC, id);
  }

  view(mailbox: MailboxEntity): MailboxView {
    return {
      id: mailbox.id,
      address: mailbox.address,
      displayName: mailbox.displayName,
      queue: { id: mailbox.queueId, name: this.directory.queue(mailbox.queueId)?.name ?? null },
      imap: { ...mailbox.imap, passwordSet: !!mailbox.imapPasswordSealed },
      smtp: { ...mailbox.smtp, passwordSet: !!mailbox.smtpPasswordSealed },
      autoAcknowledge: mailbox.autoAcknowledge,
      reviewComplaints: mailbox.reviewComplaints,
      enabled: mailbox.enabled,
      status: {
        connected: mailbox.connected,
        lastSyncAt: mailbox.lastSyncAt?.toISOString() ?? null,
        lastError: mailbox.lastError,
        messagesIngested: mailbox.messagesIngested,
        messagesQuarantined: mailbox.messagesQuarantined,
        uidValidity: mailbox.uidValidity,
        lastUid: mailbox.lastUid,
      },
      createdAt: mailbox.createdAt.toISOString(),
    };
  }
}
