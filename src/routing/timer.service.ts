import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { STATE_STORE, StateStore, TimerKind } from '../state/state-store';

type TimerHandler = (id: string, dueAt: number) => Promise<void>;

/** Longest delay setTimeout accepts (about 24.8 days). */
const MAX_DELAY_MS = 2 ** 31 - 1;
const CLAIM_BATCH = 100;
/** At shutdown, how long to wait for a batch already claimed to finish (its timers are gone from the store). */
const SHUTDOWN_WAIT_MS = 5000;

/**
 * Runs the store's timers (offer expiry, wrap-up end, preference timeout,
 * reject cooldown, disconnect grace). Timers live in the state store, so they
 * survive the node that set them; each node arms ONE setTimeout for the
 * earliest due timer and re-arms when the store says an earlier one was
 * scheduled anywhere. A due timer is claimed atomically, so exactly one node
 * runs it. No periodic scan.
 */
@Injectable()
export class TimerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TimerService.name);
  private readonly handlers = new Map<string, TimerHandler>();
  private timeout: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  /** The batch being run, if any: one at a time per node. */
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  register(kind: TimerKind, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  async schedule(kind: TimerKind, id: string, dueAt: number): Promise<void> {
    await this.store.scheduleTimer(kind, id, dueAt);
    this.arm(dueAt);
  }

  async cancel(kind: TimerKind, id: string): Promise<void> {
    await this.store.cancelTimer(kind, id);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.store.onTimerScheduled((dueAt) => this.arm(dueAt));
    const next = await this.store.nextTimerDue();
    if (next !== null) this.arm(next);
  }

  /**
   * Stops arming, then lets a batch already claimed finish: its timers are no
   * longer in the store, so an offer expiring at this instant must still be
   * re-queued in Postgres before the database pools close (after every
   * module's onModuleDestroy). Bounded, so a store that does not answer
   * cannot hold the shutdown.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    const running = this.running;
    if (!running) return;
    let waited: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (waited = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([running, bound]);
    clearTimeout(waited);
  }

  /** Makes sure this node wakes up no later than `dueAt`. */
  arm(dueAt: number): void {
    if (this.stopped || (this.timeout && dueAt >= this.armedFor)) return;
    if (this.timeout) clearTimeout(this.timeout);
    this.armedFor = dueAt;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, dueAt - Date.now()));
    this.timeout = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timeout = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.running || this.stopped) return;
    this.running = this.runDue().finally(() => {
      this.running = null;
    });
  }

  /** Claims and runs the due timers, batch after batch, then arms for the next one. */
  private async runDue(): Promise<void> {
    try {
      for (;;) {
        const due = await this.store.claimDueTimers(Date.now(), CLAIM_BATCH);
        await Promise.all(due.map((timer) => this.run(timer.kind, timer.id, timer.dueAt)));
        if (due.length < CLAIM_BATCH || this.stopped) break;
      }
      const next = await this.store.nextTimerDue();
      if (next !== null) this.arm(next);
    } catch (error) {
      this.logger.error(`timer run failed: ${String(error)}; retrying in 1 s`);
      this.arm(Date.now() + 1000);
    }
  }

  private async run(kind: string, id: string, dueAt: number): Promise<void> {
    const handler = this.handlers.get(kind);
    if (!handler) return this.logger.warn(`no handler for timer ${kind}/${id}`);
    try {
      await handler(id, dueAt);
    } catch (error) {
      this.logger.error(`timer ${kind}/${id} failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
