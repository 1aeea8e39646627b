import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { EmailIngestService } from './email-ingest.service';
import { MailboxLease } from './imap/mailbox-lease';
import { FetchedMail, MailboxWatcher } from './imap/mailbox-watcher';
import { MailboxesService } from './mailboxes.service';

/** A mailbox lease lives this long unless renewed (renewed every third of it). */
const LEASE_TTL_MS = 15_000;
/** A mail that fails to commit this many times (while quarantine works) is quarantined. */
const DELIVERY_ATTEMPTS = 5;
const RESTART_AFTER_FAILURE_MS = 60_000;

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
  /** reconsider() per mailbox, one at a time: two quick changes must not start two watchers. */
  private readonly pending = new Map<string, Promise<void>>();
  /** Delivery failures per mail (`uidValidity:uid`): a mail that never commits is quarantined, not retried forever. */
  private readonly failures = new Map<string, number>();
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
    this.mailboxes.onChanged((id) => void this.schedule(id));
    for (const id of await this.mailboxes.enabledIds()) await this.schedule(id);
  }

  private schedule(id: string): Promise<void> {
    const previous = this.pending.get(id) ?? Promise.resolve();
    const next = previous
      .then(() => this.reconsider(id))
      .catch((error) => this.logger.error(`mailbox ${id}: ${String(error)}`))
      .finally(() => {
        if (this.pending.get(id) === next) this.pending.delete(id);
      });
    this.pending.set(id, next);
    return next;
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
      // Not awaited: the watcher's first sync can be long, and a lost lease must be able to stop it meanwhile.
      () => void this.startWatcher(id, entry),
      () => this.stopWatcher(id, entry, 'lease lost'),
    );
  }

  private async startWatcher(id: string, entry: Running): Promise<void> {
    if (entry.watcher || this.closing) return;
    let watcher: MailboxWatcher;
    try {
      const mailbox = await this.mailboxes.entity(id);
      if (entry.watcher || this.closing || !entry.lease.isHeld(id) || this.running.get(id) !== entry) return;
      watcher = this.createWatcher(id, entry, mailbox.address, this.mailboxes.imapSettings(mailbox));
    } catch (error) {
      // E.g. the password cannot be opened (ACD_SECRETS_KEY changed): say so, let the lease go so another node may try, retry later.
      const reason = `watcher cannot start: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.error(`mailbox ${id}: ${reason}`);
      await this.mailboxes.setStatus(id, { connected: false, lastError: reason }).catch(() => undefined);
      await this.stop(id);
      setTimeout(() => void this.schedule(id), RESTART_AFTER_FAILURE_MS).unref();
      return;
    }
    entry.watcher = watcher;
    await watcher.start().catch((error) => this.logger.error(`mailbox ${id}: ${String(error)}`));
  }

  private createWatcher(id: string, entry: Running, address: string, settings: ReturnType<MailboxesService['imapSettings']>): MailboxWatcher {
    this.logger.log(`watching ${address} (${settings.host}:${settings.port}/${settings.folder})`);
    return new MailboxWatcher(
      settings,
      {
        deliver: (mail) => this.deliver(id, mail),
        loadCursor: async () => {
          const row = await this.mailboxes.entity(id);
          return { uidValidity: row.uidValidity, lastUid: row.lastUid };
        },
        saveCursor: (cursor) => this.mailboxes.saveCursor(id, cursor),
        status: (status) => {
          // A watcher winding down after its lease went elsewhere must not overwrite the new holder's status.
          if (!entry.lease.isHeld(id)) return;
          this.mailboxes.setStatus(id, status).catch((error) => this.logger.warn(`mailbox ${id}: status not saved: ${String(error)}`));
        },
      },
      { idleWatchdogMs: this.config.emailIdleWatchdogMs, resyncIntervalMs: this.config.emailResyncMs, loggerName: `Mailbox ${address}` },
    );
  }

  /**
   * One mail into the database. A mail that fails to commit DELIVERY_ATTEMPTS
   * times while the database works (the quarantine insert needs it too) is
   * a poison mail: it goes to quarantine with the error, and the mailbox moves on.
   */
  private async deliver(id: string, mail: FetchedMail): Promise<void> {
    const key = `${id}:${mail.uidValidity}:${mail.uid}`;
    // Re-read: the queue or flags may have changed since the watcher started.
    const mailbox = await this.mailboxes.entity(id);
    try {
      await this.ingest.ingest(mailbox, mail);
      this.failures.delete(key);
    } catch (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      if (failures < DELIVERY_ATTEMPTS) throw error;
      this.failures.delete(key);
      await this.ingest.quarantined(mailbox, mail, `could not be stored after ${failures} attempts: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async stopWatcher(id: string, entry: Running, why: string): Promise<void> {
    const watcher = entry.watcher;
    entry.watcher = null;
    if (!watcher) return;
    this.logger.log(`mailbox ${id}: stopping its watcher (${why})`);
    await watcher.stop();
    // After a lost lease the new holder reports the status; at shutdown the database may already be closing.
    if (why === 'lease lost' || this.closing) return;
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
