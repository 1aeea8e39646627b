import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { EmailIngestService } from './email-ingest.service';
import { MailboxLease } from './imap/mailbox-lease';
import { MailboxWatcher } from './imap/mailbox-watcher';
import { MailboxesService } from './mailboxes.service';

/** A mailbox lease lives this long unless renewed (renewed every third of it). */
const LEASE_TTL_MS = 15_000;

interface Running {
  lease: MailboxLease;
  watcher: MailboxWatcher | null;
  /** Settings version the watcher was started with. */
  version: number;
}

/**
 * Watches every enabled mailbox from exactly one app process at a time: each
 * node competes for a lease per mailbox in the state store; the holder runs a
 * MailboxWatcher (IMAP IDLE + watchdog + resync) whose mails go to
 * EmailIngestService. A node that stops renewing (crash, partition) loses the
 * lease after LEASE_TTL_MS and another node takes over from the stored
 * cursor. Mailbox changes on any node are announced over the store's bus.
 */
@Injectable()
export class MailboxRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MailboxRunnerService.name);
  private readonly nodeId = `node-${randomUUID()}`;
  private readonly running = new Map<string, Running>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly mailboxes: MailboxesService,
    private readonly ingest: EmailIngestService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.emailIngestion) {
      this.logger.log('EMAIL_INGESTION=false: this node watches no mailbox');
      return;
    }
    this.mailboxes.onChanged((id) => this.reconsider(id).catch((error) => this.logger.error(`mailbox ${id}: ${String(error)}`)));
    for (const id of await this.mailboxes.enabledIds()) await this.reconsider(id);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  /** Mailboxes this node is watching now (it holds their lease and runs their watcher). */
  watching(): string[] {
    return [...this.running.entries()].filter(([, entry]) => entry.watcher !== null).map(([id]) => id);
  }

  /** Starts competing for a mailbox, restarts its watcher with new settings, or lets it go. */
  private async reconsider(id: string): Promise<void> {
    if (this.closing) return;
    const mailbox = await this.mailboxes.entity(id).catch(() => null);
    const current = this.running.get(id);
    if (!mailbox || !mailbox.enabled) {
      if (current) await this.stop(id);
      return;
    }
    const version = mailbox.updatedAt.getTime();
    if (current && current.version === version) return;
    if (current) await this.stop(id);
    const entry: Running = { lease: new MailboxLease(this.store, { ttlMs: LEASE_TTL_MS, owner: this.nodeId, loggerName: `MailboxLease ${id}` }), watcher: null, version };
    this.running.set(id, entry);
    entry.lease.hold(
      id,
      () => this.startWatcher(id, entry).catch((error) => this.logger.error(`mailbox ${id}: watcher failed to start: ${String(error)}`)),
      () => this.stopWatcher(id, entry, 'lease lost'),
    );
  }

  private async startWatcher(id: string, entry: Running): Promise<void> {
    if (entry.watcher || this.closing) return;
    const mailbox = await this.mailboxes.entity(id);
    const watcher = new MailboxWatcher(
      this.mailboxes.imapSettings(mailbox),
      {
        deliver: async (mail) => {
          // Re-read: the queue or flags may have changed since the watcher started.
          await this.ingest.ingest(await this.mailboxes.entity(id), mail);
        },
        loadCursor: async () => {
          const row = await this.mailboxes.entity(id);
          return { uidValidity: row.uidValidity, lastUid: row.lastUid };
        },
        saveCursor: (cursor) => this.mailboxes.saveCursor(id, cursor),
        status: (status) => {
          this.mailboxes.setStatus(id, status).catch((error) => this.logger.warn(`mailbox ${id}: status not saved: ${String(error)}`));
        },
      },
      { idleWatchdogMs: this.config.emailIdleWatchdogMs, resyncIntervalMs: this.config.emailResyncMs, loggerName: `Mailbox ${mailbox.address}` },
    );
    entry.watcher = watcher;
    this.logger.log(`watching ${mailbox.address} (${mailbox.imap.host}:${mailbox.imap.port}/${mailbox.imap.folder})`);
    await watcher.start();
  }

  private async stopWatcher(id: string, entry: Running, why: string): Promise<void> {
    const watcher = entry.watcher;
    entry.watcher = null;
    if (!watcher) return;
    this.logger.log(`mailbox ${id}: stopping its watcher (${why})`);
    await watcher.stop();
    await this.mailboxes.setStatus(id, { connected: false }).catch((error) => this.logger.warn(`mailbox ${id}: status not saved: ${String(error)}`));
  }

  private async stop(id: string): Promise<void> {
    const entry = this.running.get(id);
    if (!entry) return;
    this.running.delete(id);
    await this.stopWatcher(id, entry, this.closing ? 'shutting down' : 'settings changed or disabled');
    await entry.lease.stop();
  }
}
