import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { StateStore } from '../../../state/state-store';

export interface MailboxLeaseOptions {
  /** Lease lifetime in the store; renewed every ttl/3, re-tried every ttl/2 while another node holds it. Default 30 s. */
  ttlMs?: number;
  /** Who holds the lease (one per app node). Default: a random id. */
  owner?: string;
  loggerName?: string;
}

type LeaseCallback = () => void | Promise<void>;

interface Holding {
  name: string;
  onAcquired: LeaseCallback;
  onLost: LeaseCallback;
  held: boolean;
  /** When the store last confirmed us as holder (ms epoch). */
  confirmedAt: number;
  timer: NodeJS.Timeout | null;
  /** The acquire/renew call in flight, if any. */
  inflight: Promise<void> | null;
  /** Callbacks run one after the other, so a watcher is never started and stopped at once. */
  callbacks: Promise<void>;
  released: boolean;
}

/**
 * Makes sure each mailbox is watched by exactly one app node: the node that
 * holds the store lease `mailbox:<id>` runs the watcher. Renewal is the same
 * call as acquisition (`acquireLease` by the same owner renews).
 */
export class MailboxLease {
  private readonly logger: Logger;
  private readonly ttlMs: number;
  readonly owner: string;
  private readonly holdings = new Map<string, Holding>();

  constructor(
    private readonly store: StateStore,
    options: MailboxLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.owner = options.owner ?? randomUUID();
    this.logger = new Logger(options.loggerName ?? MailboxLease.name);
  }

  /**
   * Competes for the mailbox's lease for as long as it is not released:
   * `onAcquired` when this node becomes the holder, `onLost` when it stops
   * being one (another node took it, or the store could not confirm it before
   * it would expire).
   */
  hold(mailboxId: string, onAcquired: LeaseCallback, onLost: LeaseCallback): void {
    if (this.holdings.has(mailboxId)) throw new Error(`mailbox ${mailboxId} is already held by this MailboxLease`);
    const holding: Holding = {
      name: `mailbox:${mailboxId}`,
      onAcquired,
      onLost,
      held: false,
      confirmedAt: 0,
      timer: null,
      inflight: null,
      callbacks: Promise.resolve(),
      released: false,
    };
    this.holdings.set(mailboxId, holding);
    this.schedule(holding, 0);
  }

  isHeld(mailboxId: string): boolean {
    return this.holdings.get(mailboxId)?.held ?? false;
  }

  /** Stops competing for the mailbox; if held, calls onLost, then gives the lease back so another node takes over at once. */
  async release(mailboxId: string): Promise<void> {
    const holding = this.holdings.get(mailboxId);
    if (!holding) return;
    this.holdings.delete(mailboxId);
    holding.released = true;
    if (holding.timer) clearTimeout(holding.timer);
    holding.timer = null;
    if (holding.held) this.lose(holding, 'released');
    // An acquisition in flight may still land: wait for it, then give back whatever we hold.
    await holding.inflight;
    await holding.callbacks;
    try {
      await this.store.releaseLease(holding.name, this.owner);
    } catch (err) {
      // It expires on its own after the TTL; the other nodes just wait longer.
      this.logger.warn(`could not release ${holding.name}: ${describe(err)}`);
    }
  }

  /** Releases every mailbox (node shutdown). */
  async stop(): Promise<void> {
    await Promise.all([...this.holdings.keys()].map((mailboxId) => this.release(mailboxId)));
  }

  private async tick(holding: Holding): Promise<void> {
    holding.timer = null;
    if (holding.released) return;
    let acquired: boolean | null;
    try {
      acquired = await this.store.acquireLease(holding.name, this.owner, this.ttlMs);
    } catch (err) {
      this.logger.warn(`lease ${holding.name}: store unreachable: ${describe(err)}`);
      acquired = null;
    }
    if (holding.released) return;
    const now = Date.now();
    if (acquired === true) {
      holding.confirmedAt = now;
      if (!holding.held) {
        holding.held = true;
        this.logger.log(`${this.owner} holds ${holding.name}`);
        this.enqueue(holding, holding.onAcquired, 'onAcquired');
      }
    } else if (holding.held) {
      // Give up before the lease can expire in the store: once it has, another
      // node may already be watching, and two watchers on one box is what the lease prevents.
      const renewEvery = this.ttlMs / 3;
      const expiresSoon = now + renewEvery >= holding.confirmedAt + this.ttlMs;
      if (acquired === false || expiresSoon) this.lose(holding, acquired === false ? 'taken by another node' : 'store unreachable');
    }
    this.schedule(holding, holding.held ? this.ttlMs / 3 : this.ttlMs / 2);
  }

  private schedule(holding: Holding, delayMs: number): void {
    holding.timer = setTimeout(() => {
      holding.inflight = this.tick(holding).finally(() => {
        holding.inflight = null;
      });
    }, delayMs);
    // Leases never keep the process alive on their own.
    holding.timer.unref();
  }

  private lose(holding: Holding, why: string): void {
    holding.held = false;
    this.logger.warn(`${this.owner} lost ${holding.name}: ${why}`);
    this.enqueue(holding, holding.onLost, 'onLost');
  }

  private enqueue(holding: Holding, callback: LeaseCallback, what: string): void {
    holding.callbacks = holding.callbacks.then(async () => {
      try {
        await callback();
      } catch (err) {
        this.logger.error(`${what} for ${holding.name} failed: ${describe(err)}`);
      }
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
