import { Logger } from '@nestjs/common';
import { FetchMessageObject, ImapFlow } from 'imapflow';

/** Keyword set on a mail once it is committed; tells a human (and a resync) the ACD has it. */
export const INGESTED_KEYWORD = '$AcdIngested';
/** How much of an oversized mail is handed to the hook (enough for headers, so it can quarantine it). */
export const OVERSIZED_PREFIX_BYTES = 64 * 1024;

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
}

/** Where the watcher is in a folder: UIDs are only meaningful together with the folder's UIDVALIDITY. */
export interface WatcherCursor {
  uidValidity: string | null;
  lastUid: number;
}

export interface FetchedMail {
  uid: number;
  uidValidity: string;
  /** The whole message, or only its first OVERSIZED_PREFIX_BYTES when `size` exceeds `maxMessageBytes`. */
  raw: Buffer;
  /** The real size on the server, in bytes. */
  size: number;
}

export interface WatcherStatus {
  connected: boolean;
  lastSyncAt: Date | null;
  lastError: string | null;
}

export interface WatcherCounters {
  delivered: number;
  /** deliver() rejections (transient failures, retried). */
  failures: number;
  /** Sessions opened again after one was lost. */
  reconnects: number;
}

export interface MailboxWatcherHooks {
  /**
   * Commit one mail durably (parse, dedupe by Message-ID, store). Resolving
   * means committed; only then is the mail flagged on the server. A rejection
   * is a transient failure: the mail is retried at the next sync and the
   * cursor does not pass it. Permanent problems (unparseable mail) are the
   * hook's business: it quarantines and resolves.
   */
  deliver(mail: FetchedMail): Promise<void>;
  loadCursor(): Promise<WatcherCursor>;
  saveCursor(cursor: WatcherCursor): Promise<void>;
  status(status: WatcherStatus): void;
}

export interface MailboxWatcherOptions {
  /** A session that does not answer a NOOP within this is torn down and reopened. Default 60 s. */
  idleWatchdogMs?: number;
  /** Full catch-up even while IDLE looks healthy (missed notifications, unflagged commits). Default 5 min. */
  resyncIntervalMs?: number;
  /** Reconnect / retry backoff: doubles from min to max, with jitter. Defaults 1 s and 60 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Larger mails are delivered truncated to their first 64 KB, with their real size. Default 25 MB. */
  maxMessageBytes?: number;
  /** Budget for TCP connect + greeting. Default 15 s. */
  connectTimeoutMs?: number;
  loggerName?: string;
}

const DEFAULTS = {
  idleWatchdogMs: 60_000,
  resyncIntervalMs: 5 * 60_000,
  reconnectMinMs: 1_000,
  reconnectMaxMs: 60_000,
  maxMessageBytes: 25 * 1024 * 1024,
  connectTimeoutMs: 15_000,
};
/** Delay before auto-IDLE after the last command; the sync itself holds a mailbox lock, so IDLE never cuts into it. */
const AUTO_IDLE_DELAY_MS = 100;
const STOP_GRACE_MS = 5_000;

type SyncReason = 'connect' | 'exists' | 'resync' | 'retry' | 'manual';

/** Thrown out of a sync to say "the hook failed on this mail": not a connection problem. */
class DeliveryFailed extends Error {}

/**
 * One IMAP connection watching one folder of one mailbox, push-first: IDLE
 * tells it about new mail, which it fetches, hands to `deliver`, flags and
 * records in the cursor, one mail at a time in UID order. A NOOP watchdog, a
 * periodic resync and reconnect-with-catch-up cover what push can miss.
 */
export class MailboxWatcher {
  private readonly logger: Logger;
  private readonly options: Required<Omit<MailboxWatcherOptions, 'loggerName'>>;
  private client: ImapFlow | null = null;
  /** The client once its folder is open: events of a session still opening are not acted on. */
  private readyClient: ImapFlow | null = null;
  private running = false;
  /** The last stop(), so a second caller waits for the same shutdown. */
  private stopping: Promise<void> = Promise.resolve();
  private cursor: WatcherCursor = { uidValidity: null, lastUid: 0 };
  private flag = INGESTED_KEYWORD;
  private sessions = 0;
  private reconnectAttempt = 0;
  private retryAttempt = 0;
  private syncWanted = false;
  private repairWanted = false;
  /** The running sync loop (settled when none runs); `syncActive` says whether it still takes requests. */
  private syncing: Promise<void> = Promise.resolve();
  private syncActive = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private snapshot: WatcherStatus = { connected: false, lastSyncAt: null, lastError: null };
  private readonly counts: WatcherCounters = { delivered: 0, failures: 0, reconnects: 0 };

  constructor(
    private readonly settings: ImapSettings,
    private readonly hooks: MailboxWatcherHooks,
    options: MailboxWatcherOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
    this.logger = new Logger(options.loggerName ?? `MailboxWatcher ${settings.user}/${settings.folder}`);
  }

  /**
   * Opens the session and catches up. Resolves once the first session is up
   * and caught up, or once the first attempt failed: the watcher then keeps
   * reconnecting with backoff (see `status()`).
   */
  async start(): Promise<void> {
    if (this.running) return;
    await this.stopping;
    this.running = true;
    this.sessions = 0;
    try {
      this.cursor = await this.hooks.loadCursor();
    } catch (err) {
      this.running = false;
      throw err;
    }
    await this.openSession();
  }

  /** Lets the mail being committed finish, logs out and cancels every timer. */
  stop(): Promise<void> {
    if (!this.running) return this.stopping;
    this.running = false;
    this.stopping = this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.reconnectTimer = this.retryTimer = null;
    const client = this.client;
    if (this.syncActive) await withTimeout(this.syncing, STOP_GRACE_MS);
    this.client = this.readyClient = null;
    if (client) await closeClient(client, this.logger);
    this.setStatus({ connected: false });
  }

  status(): WatcherStatus {
    return { ...this.snapshot };
  }

  counters(): WatcherCounters {
    return { ...this.counts };
  }

  /** Runs a catch-up now (also repairs committed-but-unflagged mails); resolves when it is done. */
  async syncNow(): Promise<void> {
    await this.requestSync('manual');
  }

  // ---- session -----------------------------------------------------------

  private async openSession(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    try {
      await client.connect();
      const mailbox = await client.mailboxOpen(this.settings.folder);
      if (this.client !== client) return; // stopped meanwhile
      this.chooseFlag(mailbox.permanentFlags);
      this.readyClient = client;
      this.sessions += 1;
      if (this.sessions > 1) this.counts.reconnects += 1;
      this.setStatus({ connected: true });
      await this.requestSync('connect');
      this.armSessionTimers(client);
    } catch (err) {
      this.sessionFailed(client, err);
    }
  }

  private createClient(): ImapFlow {
    const { host, port, secure, user, password } = this.settings;
    const client = new ImapFlow({
      host,
      port,
      secure,
      auth: { user, pass: password },
      // Credentials never cross the network in clear: without implicit TLS, STARTTLS is required (a stripped
      // STARTTLS fails the login instead of downgrading) — except to a server on this very host (tests, a local relay).
      doSTARTTLS: secure || isLoopback(host) ? undefined : true,
      logger: false,
      emitLogs: false,
      autoIdleDelay: AUTO_IDLE_DELAY_MS,
      // A command stuck without any byte from the server for this long fails the session.
      socketTimeout: Math.max(this.options.idleWatchdogMs, AUTO_IDLE_DELAY_MS + 1_000),
      connectionTimeout: this.options.connectTimeoutMs,
      greetingTimeout: this.options.connectTimeoutMs,
    });
    client.on('exists', () => this.requestSync('exists'));
    client.on('mailboxOpen', (mailbox) => {
      // A re-SELECT that reports a new UIDVALIDITY: the sync notices the mismatch and rescans.
      if (this.readyClient === client && mailbox.uidValidity.toString() !== this.cursor.uidValidity) this.requestSync('resync');
    });
    client.on('error', (err: Error) => this.sessionFailed(client, err));
    client.on('close', () => this.sessionFailed(client, null));
    return client;
  }

  /** The session is gone (error, close, dead watchdog): drop it and reconnect with backoff. */
  private sessionFailed(client: ImapFlow, err: unknown): void {
    if (this.client !== client) return;
    this.client = this.readyClient = null;
    // Session timers (watchdog, resync, retry) die with the session; a reconnect does a full catch-up.
    for (const timer of this.timers) {
      if (timer === this.reconnectTimer) continue;
      clearTimeout(timer);
      this.timers.delete(timer);
    }
    this.retryTimer = null;
    if (!client.isClosed) client.close();
    const message = err ? describe(err) : 'connection closed';
    this.logger.warn(`IMAP session ended: ${message}; reconnecting`);
    this.setStatus({ connected: false, lastError: message });
    if (this.running) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    this.reconnectAttempt += 1;
    const delay = backoff(this.reconnectAttempt, this.options.reconnectMinMs, this.options.reconnectMaxMs);
    this.reconnectTimer = this.timer(delay, () => {
      this.reconnectTimer = null;
      if (this.running && !this.client) void this.openSession();
    });
  }

  private armSessionTimers(client: ImapFlow): void {
    if (this.client !== client) return;
    this.reconnectAttempt = 0;
    const watchdog = (): void => {
      this.timer(this.options.idleWatchdogMs / 2, () => {
        void this.checkAlive(client).then(() => {
          if (this.client === client) watchdog();
        });
      });
    };
    const resync = (): void => {
      this.timer(this.options.resyncIntervalMs, () => {
        this.requestSync('resync');
        resync();
      });
    };
    watchdog();
    resync();
  }

  /**
   * IDLE is silent by design, so silence proves nothing: ask the server.
   * Skipped while a sync runs, where imapflow's socket timeout watches the
   * command in flight.
   */
  private async checkAlive(client: ImapFlow): Promise<void> {
    if (this.client !== client || this.syncActive) return;
    const answered = await withTimeout(client.noop(), this.options.idleWatchdogMs / 2);
    if (!answered && this.client === client) {
      this.sessionFailed(client, new Error(`no answer to NOOP within ${this.options.idleWatchdogMs / 2} ms`));
    }
  }

  // ---- sync --------------------------------------------------------------

  /** Resolves when a sync pass that started after this call has finished. */
  private requestSync(reason: SyncReason): Promise<void> {
    if (!this.readyClient || this.readyClient !== this.client || !this.running) return Promise.resolve();
    this.syncWanted = true;
    if (reason !== 'exists') this.repairWanted = true;
    if (this.syncActive) return this.syncing;
    this.syncActive = true;
    this.syncing = this.syncLoop();
    return this.syncing;
  }

  /**
   * One sync at a time per mailbox; requests arriving meanwhile fold into one
   * more pass. `syncActive` is cleared in the same tick as the last
   * `syncWanted` check, so no request can fall between the two.
   */
  private async syncLoop(): Promise<void> {
    try {
      while (this.syncWanted && this.client && this.running) await this.syncPass(this.client);
    } finally {
      this.syncActive = false;
    }
  }

  private async syncPass(client: ImapFlow): Promise<void> {
    const repair = this.repairWanted;
    this.syncWanted = this.repairWanted = false;
    try {
      await this.syncOnce(client, repair);
      this.retryAttempt = 0;
      this.setStatus({ lastSyncAt: new Date(), lastError: null });
    } catch (err) {
      if (err instanceof DeliveryFailed) {
        this.setStatus({ lastError: err.message });
        this.scheduleRetry();
      } else {
        this.sessionFailed(client, err);
      }
    }
  }

  private async syncOnce(client: ImapFlow, repair: boolean): Promise<void> {
    const lock = await client.getMailboxLock(this.settings.folder);
    try {
      // A session sees other sessions' changes only when it syncs, and Dovecot
      // holds IDLE notifications back ~0.5 s: NOOP makes a catch-up see the present.
      if (repair) await client.noop();
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error('mailbox not selected');
      const uidValidity = mailbox.uidValidity.toString();
      if (uidValidity !== this.cursor.uidValidity) {
        // Old UIDs mean nothing now: rescan from the first mail; the hook dedupes by Message-ID.
        this.logger.log(`UIDVALIDITY ${this.cursor.uidValidity ?? '(none)'} -> ${uidValidity}: full rescan`);
        await this.advanceCursor({ uidValidity, lastUid: 0 });
      }
      if (mailbox.exists === 0) return;
      const repairs = repair ? await this.unflaggedCommitted(client) : [];
      const fresh = await this.listAfter(client, this.cursor.lastUid);
      for (const meta of [...repairs, ...fresh]) {
        if (!this.running || this.client !== client) return;
        await this.processOne(client, uidValidity, meta);
      }
    } finally {
      lock.release();
    }
  }

  /** Mails at or below the cursor that were committed but never flagged (e.g. the session dropped in between). */
  private async unflaggedCommitted(client: ImapFlow): Promise<MailMeta[]> {
    if (this.cursor.lastUid === 0) return [];
    const criteria = this.flag === INGESTED_KEYWORD ? { unKeyword: INGESTED_KEYWORD } : { seen: false };
    const uids = await client.search({ uid: `1:${this.cursor.lastUid}`, ...criteria }, { uid: true });
    if (!uids || uids.length === 0) return [];
    return this.listMeta(client, uids.join(','), 0);
  }

  private listAfter(client: ImapFlow, lastUid: number): Promise<MailMeta[]> {
    // "n:*" always matches the highest UID, even below n: filtered in listMeta.
    return this.listMeta(client, `${lastUid + 1}:*`, lastUid);
  }

  private async listMeta(client: ImapFlow, range: string, aboveUid: number): Promise<MailMeta[]> {
    const metas: MailMeta[] = [];
    for await (const message of client.fetch(range, { uid: true, size: true, flags: true }, { uid: true })) {
      if (message.uid > aboveUid) metas.push({ uid: message.uid, size: message.size ?? 0 });
    }
    return metas.sort((a, b) => a.uid - b.uid);
  }

  private async processOne(client: ImapFlow, uidValidity: string, meta: MailMeta): Promise<void> {
    const oversized = meta.size > this.options.maxMessageBytes;
    const source = oversized ? { maxLength: OVERSIZED_PREFIX_BYTES } : true;
    const message: FetchMessageObject | false = await client.fetchOne(String(meta.uid), { uid: true, size: true, source }, { uid: true });
    if (!message || !message.source) {
      // Expunged since it was listed: nothing to deliver, and nothing to wait for.
      if (meta.uid > this.cursor.lastUid) await this.advanceCursor({ uidValidity, lastUid: meta.uid });
      return;
    }
    const mail: FetchedMail = { uid: meta.uid, uidValidity, raw: message.source, size: message.size ?? meta.size };
    try {
      await this.hooks.deliver(mail);
    } catch (err) {
      this.counts.failures += 1;
      this.logger.warn(`deliver() failed for UID ${meta.uid}; retried at the next sync: ${describe(err)}`);
      throw new DeliveryFailed(`deliver failed for UID ${meta.uid}: ${describe(err)}`);
    }
    this.counts.delivered += 1;
    const flagged = await client.messageFlagsAdd(String(meta.uid), [this.flag], { uid: true });
    // Committed either way; the next resync's repair pass flags it.
    if (!flagged) this.logger.warn(`could not set ${this.flag} on UID ${meta.uid}`);
    if (meta.uid > this.cursor.lastUid) await this.advanceCursor({ uidValidity, lastUid: meta.uid });
  }

  private async advanceCursor(cursor: WatcherCursor): Promise<void> {
    try {
      await this.hooks.saveCursor(cursor);
    } catch (err) {
      // Same as a failed commit: the mail is delivered again later, and the hook dedupes it.
      throw new DeliveryFailed(`saveCursor failed: ${describe(err)}`);
    }
    this.cursor = { ...cursor };
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.running) return;
    this.retryAttempt += 1;
    const delay = backoff(this.retryAttempt, this.options.reconnectMinMs, this.options.reconnectMaxMs);
    this.retryTimer = this.timer(delay, () => {
      this.retryTimer = null;
      this.requestSync('retry');
    });
  }

  private chooseFlag(permanentFlags: Set<string> | undefined): void {
    // No PERMANENTFLAGS at all means any flag may be stored (RFC 3501 §7.1).
    const keywordsAllowed = !permanentFlags || permanentFlags.has('\\*') || permanentFlags.has(INGESTED_KEYWORD);
    const flag = keywordsAllowed ? INGESTED_KEYWORD : '\\Seen';
    if (flag !== this.flag) {
      this.logger.warn(`server does not keep custom keywords in ${this.settings.folder}: marking ingested mails \\Seen instead of ${INGESTED_KEYWORD}`);
    }
    this.flag = flag;
  }

  // ---- helpers -----------------------------------------------------------

  private setStatus(change: Partial<WatcherStatus>): void {
    this.snapshot = { ...this.snapshot, ...change };
    try {
      this.hooks.status(this.status());
    } catch (err) {
      this.logger.error(`status hook threw: ${describe(err)}`);
    }
  }

  /** Every timer is tracked (stop() cancels them all) and unref'd (a watcher alone never keeps the process up). */
  private timer(ms: number, run: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      run();
    }, ms);
    handle.unref();
    this.timers.add(handle);
    return handle;
  }
}

interface MailMeta {
  uid: number;
  size: number;
}

/** Exponential backoff with jitter in [delay/2, delay], so many watchers do not reconnect in lockstep. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function backoff(attempt: number, minMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + Math.random() * (delay / 2));
}

async function closeClient(client: ImapFlow, logger: Logger): Promise<void> {
  if (client.isClosed) return;
  const loggedOut = await withTimeout(
    client.logout().then(
      () => true,
      (err: unknown) => {
        logger.debug(`logout failed, closing: ${describe(err)}`);
        return false;
      },
    ),
    STOP_GRACE_MS,
  );
  if (!loggedOut && !client.isClosed) client.close();
}

/** Resolves true when `promise` settles within `ms` (its rejection counts as settled), false otherwise. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}
