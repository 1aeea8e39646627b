import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DirectoryService } from '../routing/directory.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { SocketEmitter } from './socket-emitter';

/** At most one `queue` event per queue per this many ms: a burst of tasks is one update, not thousands. */
const THROTTLE_MS = 250;

/**
 * Pushes queue changes (waiting count) to the supervisors, throttled per
 * queue. Agent changes are pushed by the presence notifier as they happen.
 */
@Injectable()
export class SupervisorFeed implements OnModuleDestroy {
  private readonly logger = new Logger(SupervisorFeed.name);
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
    private readonly emitter: SocketEmitter,
  ) {}

  queueChanged(queueId: string): void {
    if (this.pending.has(queueId)) return;
    this.pending.set(
      queueId,
      setTimeout(() => {
        this.pending.delete(queueId);
        void this.push(queueId);
      }, THROTTLE_MS),
    );
  }

  onModuleDestroy(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async push(queueId: string): Promise<void> {
    const queue = this.directory.queue(queueId);
    if (!queue) return;
    try {
      const sizes = await this.store.laneSizes(this.directory.lanesOfQueue(queueId).map((lane) => lane.key));
      this.emitter.toSupervisors('queue', { id: queue.id, name: queue.name, waiting: sizes.reduce((a, b) => a + b, 0) });
    } catch (error) {
      this.logger.warn(`queue ${queueId} update not pushed: ${String(error)}`);
    }
  }
}
