import { EventEmitter, once } from 'node:events';
import { ImapFlow } from 'imapflow';
import { MailboxLease } from '../src/channels/email/imap/mailbox-lease';
import {
  FetchedMail,
  INGESTED_KEYWORD,
  ImapSettings,
  MailboxWatcher,
  MailboxWatcherHooks,
  MailboxWatcherOptions,
  WatcherCursor,
  WatcherStatus,
} from '../src/channels/email/imap/mailbox-watcher';
import { MemoryStateStore } from '../src/state/memory/memory-state-store';
import { DovecotServer, startDovecot } from './support/dovecot';
import { TcpProxy, startTcpProxy } from './support/tcp-proxy';

/** What the product's ingestion does, in memory: one record per Message-ID, a durable cursor. */
class MemoryHooks implements MailboxWatcherHooks {
  /** Every deliver() call, duplicates and failures included. */
  readonly attempts: FetchedMail[] = [];
  /** Committed mails, one per Message-ID, in commit order. */
  readonly committed = new Map<string, FetchedMail>();
  readonly savedCursors: WatcherCursor[] = [];
  readonly statuses: WatcherStatus[] = [];
  cursor: WatcherCursor = { uidValidity: null, lastUid: 0 };
  /** Message-IDs whose next deliver() rejects (a transient failure), with how many times. */
  readonly rejectTimes = new Map<string, number>();
  private readonly events = new EventEmitter();

  constructor(private readonly onStatus: (status: WatcherStatus) => void = () => undefined) {
    this.events.setMaxListeners(0);
  }

  async deliver(mail: FetchedMail): Promise<void> {
    this.attempts.push(mail);
    const id = messageIdOf(mail.raw);
    const rejections = this.rejectTimes.get(id) ?? 0;
    if (rejections > 0) {
      this.rejectTimes.set(id, rejections - 1);
      this.events.emit('rejected', id);
      throw new Error(`database unavailable (test) for ${id}`);
    }
    if (!this.committed.has(id)) this.committed.set(id, mail);
    this.events.emit('committed', id);
  }

  async loadCursor(): Promise<WatcherCursor> {
    return { ...this.cursor };
  }

  async saveCursor(cursor: WatcherCursor): Promise<void> {
    this.cursor = { ...cursor };
    this.savedCursors.push({ ...cursor });
  }

  status(status: WatcherStatus): void {
    this.statuses.push(status);
    this.onStatus(status);
    this.events.emit('status', status);
  }

  /** Resolves when every id is committed (event-driven, bounded). */
  waitCommitted(ids: string[], timeoutMs = 5_000): Promise<void> {
    ids = ids.map(bracketed);
    return this.waitUntil('committed', () => ids.every((id) => this.committed.has(id)), `commit of ${ids.join(', ')}`, timeoutMs);
  }

  waitRejected(id: string, timeoutMs = 5_000): Promise<void> {
    return this.waitUntil('rejected', () => this.attempts.some((mail) => messageIdOf(mail.raw) === id), `rejection of ${id}`, timeoutMs);
  }

  waitStatus(predicate: (status: WatcherStatus) => boolean, timeoutMs = 5_000): Promise<void> {
    const last = (): WatcherStatus | undefined => this.statuses[this.statuses.length - 1];
    return this.waitUntil('status', () => last() !== undefined && predicate(last() as WatcherStatus), 'status', timeoutMs);
  }

  attemptsFor(id: string): number {
    return this.attempts.filter((mail) => messageIdOf(mail.raw) === id).length;
  }

  private waitUntil(event: string, done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (committed: ${[...this.committed.keys()].join(', ')})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off(event, check);
      };
      this.events.on(event, check);
    });
  }
}

function bracketed(id: string): string {
  return id.startsWith('<') ? id : `<${id}>`;
}

function messageIdOf(raw: Buffer): string {
  const match = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(raw.toString('latin1'));
  if (!match) throw new Error('test mail without Message-ID');
  return match[1];
}

function mail(id: string, subject = id): string {
  return `Message-ID: <${id}>\r\nFrom: customer@example.test\r\nTo: support@acd.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello, this is ${id}.\r\n`;
}

jest.setTimeout(15_000);

const USERS = ['w-idle', 'w-offline', 'w-flags', 'w-drop', 'w-silent', 'w-repair', 'w-uidv', 'w-lease', 'w-big'];
const FAST: MailboxWatcherOptions = { idleWatchdogMs: 3_000, resyncIntervalMs: 60_000, reconnectMinMs: 100, reconnectMaxMs: 800 };

describe('MailboxLease', () => {
  it('reports the lease lost when the store cannot confirm it before it would expire, and takes it back later', async () => {
    const ttlMs = 600;
    const store = new MemoryStateStore();
    const lease = new MailboxLease(store, { ttlMs, owner: 'node-a' });
    const bus = new EventEmitter();
    const events: string[] = [];
    const record = (event: string): void => {
      events.push(event);
      bus.emit(event);
    };
    const firstAcquired = once(bus, 'acquired');
    lease.hold('box-x', () => record('acquired'), () => record('lost'));
    try {
      await firstAcquired;
      const lost = once(bus, 'lost');
      const outage = jest.spyOn(store, 'acquireLease').mockRejectedValue(new Error('store unreachable (test)'));
      const outageAt = Date.now();
      await lost;
      // Given up before the TTL ran out, so no other node can hold it at the same time.
      expect(Date.now() - outageAt).toBeLessThan(ttlMs);
      expect(lease.isHeld('box-x')).toBe(false);
      const reacquired = once(bus, 'acquired');
      outage.mockRestore();
      await reacquired;
      expect(events).toEqual(['acquired', 'lost', 'acquired']);
    } finally {
      await lease.stop();
    }
    // stop() gave the lease back: another owner gets it at once.
    expect(await store.acquireLease('mailbox:box-x', 'node-b', ttlMs)).toBe(true);
  });
});

describe('MailboxWatcher against a real Dovecot', () => {
  let dovecot: DovecotServer;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: Object.fromEntries(USERS.map((user) => [user, `pw-${user}`])) });
  }, 20_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  function settings(user: string, port = dovecot.port): ImapSettings {
    return { host: dovecot.host, port, secure: false, user, password: dovecot.password(user), folder: 'INBOX' };
  }

  function imapAuth(user: string): { host: string; port: number; secure: false; doSTARTTLS: false; auth: { user: string; pass: string } } {
    return { host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: dovecot.password(user) } };
  }

  function watcher(user: string, hooks: MemoryHooks, options: MailboxWatcherOptions = FAST, port?: number): MailboxWatcher {
    const created = new MailboxWatcher(settings(user, port), hooks, { loggerName: `watcher ${user}`, ...options });
    cleanups.push(() => created.stop());
    return created;
  }

  async function waitIdle(user: string, timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Only the process title tells that the session sits in IDLE.
    while (!(await dovecot.sessionStates(user)).includes('IDLE')) {
      if (Date.now() > deadline) throw new Error(`${user} never reached IDLE`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('delivers a mail appended while idling within 2 s', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-idle', hooks);
    await w.start();
    expect(w.status().connected).toBe(true);

    const latencies: number[] = [];
    for (let i = 1; i <= 3; i++) {
      await waitIdle('w-idle');
      const id = `idle-${i}@example.test`;
      const appendAt = Date.now();
      await dovecot.append('w-idle', mail(id));
      const appendedAt = Date.now();
      await hooks.waitCommitted([id], 2_000);
      latencies.push(Date.now() - appendedAt);
      expect(Date.now() - appendAt).toBeLessThan(2_000);
    }
    // eslint-disable-next-line no-console
    console.log(`IDLE push latency, append completed -> delivered: ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    await w.syncNow();
    expect(w.counters().delivered).toBe(3);
  });

  it('delivers the mails appended while it was stopped on start, in UID order, once', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-offline', hooks);
    await dovecot.append('w-offline', mail('before@example.test'));
    await w.start();
    await hooks.waitCommitted(['before@example.test']);
    await w.stop();

    const ids = ['off-1@example.test', 'off-2@example.test', 'off-3@example.test'];
    const uids: number[] = [];
    for (const id of ids) uids.push(await dovecot.append('w-offline', mail(id)));
    await w.start();
    await hooks.waitCommitted(ids);

    const order = hooks.attempts.map((m) => m.uid);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(hooks.attempts.map((m) => messageIdOf(m.raw))).toEqual(['<before@example.test>', ...ids.map((id) => `<${id}>`)]);
    expect(hooks.cursor.lastUid).toBe(Math.max(...uids));
    expect(w.counters().delivered).toBe(4);
  });

  it('flags committed mails $AcdIngested, never a mail whose deliver() failed, and retries that one', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-flags', hooks);
    await w.start();
    const okUid = await dovecot.append('w-flags', mail('ok@example.test'));
    await hooks.waitCommitted(['<ok@example.test>']);

    hooks.rejectTimes.set('<fail@example.test>', 1);
    const failUid = await dovecot.append('w-flags', mail('fail@example.test'));
    await hooks.waitRejected('<fail@example.test>');
    const afterFailure = await dovecot.flags('w-flags');
    expect(afterFailure.find((m) => m.uid === okUid)?.flags).toContain(INGESTED_KEYWORD);
    expect(afterFailure.find((m) => m.uid === failUid)?.flags).not.toContain(INGESTED_KEYWORD);
    expect(afterFailure.find((m) => m.uid === okUid)?.flags).not.toContain('\\Seen');
    expect(hooks.cursor.lastUid).toBeLessThan(failUid);

    // The retry (a backoff timer, no new mail needed) delivers it.
    await hooks.waitCommitted(['<fail@example.test>']);
    const final = await dovecot.flags('w-flags');
    expect(final.every((m) => m.flags.includes(INGESTED_KEYWORD))).toBe(true);
    expect(hooks.attemptsFor('<fail@example.test>')).toBe(2);
    expect(hooks.attemptsFor('<ok@example.test>')).toBe(1);
    expect(hooks.cursor.lastUid).toBe(failUid);
    expect(w.counters().failures).toBe(1);
  });

  it('reconnects after the connection is cut and delivers what arrived meanwhile, once', async () => {
    const proxy: TcpProxy = await startTcpProxy(dovecot.port);
    cleanups.push(() => proxy.stop());
    const hooks = new MemoryHooks();
    const w = watcher('w-drop', hooks, FAST, proxy.port);
    await w.start();
    const firstUid = await dovecot.append('w-drop', mail('drop-0@example.test'));
    await hooks.waitCommitted(['<drop-0@example.test>']);
    // Let the watcher finish with it (flag + cursor), so the cut hits an idle session.
    await w.syncNow();
    expect(hooks.cursor.lastUid).toBe(firstUid);

    // Down: live connection severed, new ones refused while mail keeps arriving.
    await proxy.pause();
    proxy.cut();
    await hooks.waitStatus((status) => !status.connected);
    const ids = ['drop-1@example.test', 'drop-2@example.test', 'drop-3@example.test'];
    for (const id of ids) await dovecot.append('w-drop', mail(id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.status().connected).toBe(false);

    await proxy.resume();
    await hooks.waitCommitted(ids.map((id) => `<${id}>`), 8_000);
    for (const id of ['drop-0@example.test', ...ids]) expect(hooks.attemptsFor(`<${id}>`)).toBe(1);
    expect(w.counters().reconnects).toBeGreaterThanOrEqual(1);
    expect(w.status()).toMatchObject({ connected: true });

    // And push works on the new session.
    await waitIdle('w-drop');
    await dovecot.append('w-drop', mail('drop-4@example.test'));
    await hooks.waitCommitted(['<drop-4@example.test>'], 2_000);
  });

  it('notices a silently dead connection with its NOOP watchdog and catches up on a new one', async () => {
    const proxy: TcpProxy = await startTcpProxy(dovecot.port);
    cleanups.push(() => proxy.stop());
    const hooks = new MemoryHooks();
    const w = watcher('w-silent', hooks, { ...FAST, idleWatchdogMs: 2_000 }, proxy.port);
    await w.start();
    await waitIdle('w-silent');

    const frozenAt = Date.now();
    proxy.blackhole();
    await dovecot.append('w-silent', mail('silent-1@example.test'));
    await hooks.waitStatus((status) => !status.connected, 4_000);
    const detectedMs = Date.now() - frozenAt;
    await hooks.waitCommitted(['<silent-1@example.test>'], 4_000);
    // eslint-disable-next-line no-console
    console.log(`silent connection death detected after ${detectedMs} ms (watchdog 2000 ms)`);
    expect(detectedMs).toBeLessThanOrEqual(3_000);
    expect(w.counters().reconnects).toBe(1);
    expect(proxy.acceptedCount()).toBe(2);
  });

  it('re-delivers and re-flags a committed mail that lost its flag, at the next resync', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-repair', hooks);
    await w.start();
    const uid = await dovecot.append('w-repair', mail('repair@example.test'));
    await hooks.waitCommitted(['<repair@example.test>']);
    await w.syncNow();
    expect(hooks.cursor.lastUid).toBe(uid);

    // Someone (a person, another client) strips the keyword from an already committed mail.
    const client = new ImapFlow({ ...imapAuth('w-repair'), logger: false });
    client.on('error', () => undefined);
    await client.connect();
    await client.mailboxOpen('INBOX');
    await client.messageFlagsRemove(String(uid), [INGESTED_KEYWORD], { uid: true });
    await client.logout();
    await w.syncNow();
    expect(hooks.attemptsFor('<repair@example.test>')).toBe(2);
    expect(hooks.committed.size).toBe(1);
    expect((await dovecot.flags('w-repair'))[0].flags).toContain(INGESTED_KEYWORD);
    expect(hooks.cursor.lastUid).toBe(uid);
  });

  it('rescans after a UIDVALIDITY change, without duplicates, and saves the new UIDVALIDITY', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-uidv', hooks);
    await w.start();
    const ids = ['<uv-1@example.test>', '<uv-2@example.test>'];
    await dovecot.append('w-uidv', mail('uv-1@example.test'));
    await dovecot.append('w-uidv', mail('uv-2@example.test'));
    await hooks.waitCommitted(ids);
    const oldValidity = hooks.cursor.uidValidity;
    expect(hooks.attempts).toHaveLength(2);

    // Kicks the session, drops Dovecot's uidlist/index: new UIDVALIDITY, UIDs renumbered.
    const newValidity = await dovecot.resetUidValidity('w-uidv');
    expect(newValidity).not.toBe(oldValidity);
    await hooks.waitStatus((status) => status.connected && hooks.cursor.uidValidity === newValidity, 20_000);
    await dovecot.append('w-uidv', mail('uv-3@example.test'));
    await hooks.waitCommitted([...ids, '<uv-3@example.test>']);

    // Both old mails were offered again (the rescan), the hook kept one of each.
    expect(hooks.attemptsFor(ids[0])).toBe(2);
    expect(hooks.attemptsFor(ids[1])).toBe(2);
    expect(hooks.committed.size).toBe(3);
    expect(hooks.savedCursors).toContainEqual({ uidValidity: newValidity, lastUid: 0 });
    expect(hooks.cursor.uidValidity).toBe(newValidity);
    expect(hooks.attempts.filter((m) => m.uidValidity === newValidity).map((m) => messageIdOf(m.raw))).toEqual([...ids, '<uv-3@example.test>']);
  }, 45_000);

  it('hands an oversized mail over truncated, with its real size', async () => {
    const hooks = new MemoryHooks();
    const w = watcher('w-big', hooks, { ...FAST, maxMessageBytes: 100_000 });
    await w.start();
    const body = 'x'.repeat(76) + '\r\n';
    await dovecot.append('w-big', mail('big@example.test') + body.repeat(3_000));
    await hooks.waitCommitted(['<big@example.test>']);
    const delivered = hooks.committed.get('<big@example.test>') as FetchedMail;
    expect(delivered.size).toBeGreaterThan(200_000);
    expect(delivered.raw.length).toBe(64 * 1024);
  });

  it('lets only one of two competing watchers run, and the other take over within the TTL', async () => {
    const ttlMs = 1_500;
    const store = new MemoryStateStore();
    let connectedNow = 0;
    let maxConnected = 0;
    const track = (status: WatcherStatus, previous: { connected: boolean }): void => {
      if (status.connected !== previous.connected) connectedNow += status.connected ? 1 : -1;
      previous.connected = status.connected;
      maxConnected = Math.max(maxConnected, connectedNow);
    };
    const stateA = { connected: false };
    const stateB = { connected: false };
    const hooksA = new MemoryHooks((status) => track(status, stateA));
    const hooksB = new MemoryHooks((status) => track(status, stateB));
    const a = watcher('w-lease', hooksA);
    const b = watcher('w-lease', hooksB);
    const leaseA = new MailboxLease(store, { ttlMs, owner: 'node-a' });
    const leaseB = new MailboxLease(store, { ttlMs, owner: 'node-b' });
    cleanups.push(() => leaseA.stop(), () => leaseB.stop());

    leaseA.hold('box-1', () => a.start(), () => a.stop());
    leaseB.hold('box-1', () => b.start(), () => b.stop());
    await Promise.race([hooksA.waitStatus((s) => s.connected), hooksB.waitStatus((s) => s.connected)]);
    // Several renewal and retry rounds: the loser must never connect.
    await new Promise((resolve) => setTimeout(resolve, 2 * ttlMs));
    expect(maxConnected).toBe(1);
    expect(await dovecot.sessionCount('w-lease')).toBe(1);
    const [holder, holderLease, otherHooks, other] = leaseA.isHeld('box-1') ? [a, leaseA, hooksB, b] : [b, leaseB, hooksA, a];
    expect(holder.status().connected).toBe(true);
    expect(other.status().connected).toBe(false);

    const releasedAt = Date.now();
    await holderLease.stop();
    await otherHooks.waitStatus((s) => s.connected, ttlMs * 2);
    const takeoverMs = Date.now() - releasedAt;
    // eslint-disable-next-line no-console
    console.log(`lease takeover after the holder stopped: ${takeoverMs} ms (TTL ${ttlMs} ms)`);
    expect(takeoverMs).toBeLessThan(ttlMs);
    expect(holder.status().connected).toBe(false);
    expect(maxConnected).toBe(1);

    await dovecot.append('w-lease', mail('lease-1@example.test'));
    await otherHooks.waitCommitted(['<lease-1@example.test>']);
    await other.syncNow();
    expect(other.counters().delivered).toBeGreaterThanOrEqual(1);
  });
});
