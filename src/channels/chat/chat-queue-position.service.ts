import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DirectoryService } from '../../routing/directory.service';
import { hasSkills } from '../../routing/lanes';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { TaskEntity } from '../../tasks/task.entity';
import { ChatEmitter } from './chat-emitter';

/** Changes within this window are one update (a burst of accepts is one push per visitor). */
const COALESCE_MS = 50;
/** Visitors told their place, at most, per queue and update (the rest wait for the queue to move). */
const MAX_NOTIFIED = 500;
/** Handle time assumed before a queue has completed chats to learn from. */
const DEFAULT_HANDLE_SECONDS = 180;
const HANDLE_SAMPLE = 50;

/**
 * Tells waiting chat visitors their place and expected wait. Event-driven:
 * `refresh(queueId)` is called when a chat of the queue is created, accepted
 * by an agent, abandoned, canceled or transferred (and when a visitor
 * connects); there is no polling loop.
 *
 * Position = 1 + the chats of the same queue ahead of it (lower score, the
 * routing order) that no agent has taken yet (queued or ringing). A chat
 * ringing at an agent still counts as waiting, so the visitor's position does
 * not jump back when an agent rejects or lets it ring out.
 *
 * ETA = position × mean handle time of the queue's last 50 completed chats
 * ÷ chat slots on the floor (chat capacity of the eligible agents who are not
 * offline), rounded up.
 */
@Injectable()
export class ChatQueuePositionService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatQueuePositionService.name);
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
    private readonly emitter: ChatEmitter,
  ) {}

  refresh(queueId: string): void {
    if (this.pending.has(queueId)) return;
    this.pending.set(
      queueId,
      setTimeout(() => {
        this.pending.delete(queueId);
        this.push(queueId).catch((error) => this.logger.warn(`queue positions of ${queueId} not pushed: ${String(error)}`));
      }, COALESCE_MS),
    );
  }

  onModuleDestroy(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async push(queueId: string): Promise<void> {
    const waiting: Array<{ session_id: string | null; position: string }> = await this.tasks.query(
      `SELECT attributes->>'sessionId' AS session_id, row_number() OVER (ORDER BY score, created_at) AS position
         FROM tasks
        WHERE queue_id = $1 AND channel = 'chat' AND status IN ('queued', 'offered')
        ORDER BY score, created_at
        LIMIT ${MAX_NOTIFIED}`,
      [queueId],
    );
    // Only visitors are told their position: tasks created without a chat session (API, tests) need no estimate.
    if (!waiting.some((row) => row.session_id)) return;
    const perPosition = await this.secondsPerPosition(queueId);
    for (const row of waiting) {
      if (!row.session_id) continue;
      const position = Number(row.position);
      this.emitter.toVisitor(row.session_id, 'queued', { position, etaSeconds: Math.ceil(position * perPosition) });
    }
  }

  private async secondsPerPosition(queueId: string): Promise<number> {
    const [{ mean }]: Array<{ mean: string | null }> = await this.tasks.query(
      `SELECT avg(extract(epoch FROM completed_at - assigned_at)) AS mean FROM (
         SELECT completed_at, assigned_at FROM tasks
          WHERE queue_id = $1 AND channel = 'chat' AND status IN ('completed', 'wrapping') AND assigned_at IS NOT NULL
          ORDER BY completed_at DESC LIMIT ${HANDLE_SAMPLE}) AS recent`,
      [queueId],
    );
    const handleSeconds = mean === null ? DEFAULT_HANDLE_SECONDS : Math.max(1, Number(mean));
    return handleSeconds / Math.max(1, await this.chatSlots(queueId));
  }

  private async chatSlots(queueId: string): Promise<number> {
    const queue = this.directory.queue(queueId);
    if (!queue) return 0;
    const eligible = this.directory.allAgents().filter((agent) => agent.capacity.chat > 0 && hasSkills(agent.skills, queue.skills));
    const live = await this.store.getAgents(eligible.map((agent) => agent.id));
    return live.reduce((sum, agent) => sum + (agent && agent.state !== 'offline' ? agent.capacity.chat : 0), 0);
  }
}
