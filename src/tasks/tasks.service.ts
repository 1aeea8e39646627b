import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { TaskView } from '../gateway/socket-events';
import { SocketEmitter } from '../gateway/socket-emitter';
import { SupervisorFeed } from '../gateway/supervisor-feed';
import { PresenceService } from '../presence/presence.service';
import { DirectoryService, QueueProfile } from '../routing/directory.service';
import { OffersService } from '../routing/offers.service';
import { RoutingService } from '../routing/routing.service';
import { virtualDeadline } from '../routing/virtual-deadline';
import { STATE_STORE, StateStore } from '../state/state-store';
import { CreateTaskDto, ListTasksQueryDto, TransferTaskDto } from './dto/task.dto';
import { TaskEntity } from './task.entity';
import { TaskException, TaskExceptionCode } from './task.exception';
import { TaskHistoryService } from './task-history.service';
import { TaskLifecycleRepository } from './task-lifecycle.repository';
import { TaskStatus } from './task-status';
import { toTaskView } from './task.view';

/** What happened to a task, for the channels that follow their tasks (chat queue positions, visitor notices). */
export type TaskChange = 'created' | 'canceled' | 'abandoned' | 'transferred' | 'completed';
export type TaskChangeListener = (task: TaskEntity, change: TaskChange) => void | Promise<void>;

/** Options of a task created by a channel rather than through the API. */
export interface CreateTaskOptions {
  conversationId?: string | null;
}

/** Task life cycle through the API and the agent socket: create, cancel, transfer, complete. */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);
  private readonly changeListeners: TaskChangeListener[] = [];

  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly offers: OffersService,
    private readonly presence: PresenceService,
    private readonly history: TaskHistoryService,
    private readonly lifecycle: TaskLifecycleRepository,
    private readonly emitter: SocketEmitter,
    private readonly feed: SupervisorFeed,
  ) {}

  /** Listeners told after a task was created, canceled, abandoned, transferred or completed (on this node). */
  onChanged(listener: TaskChangeListener): void {
    this.changeListeners.push(listener);
  }

  /**
   * Creates and queues a task, then routes it at once. Idempotent on
   * externalId. One Postgres statement (the task and its `created` event)
   * before routing, which writes the offer in one more; the answer is built
   * from the rows in hand, never read back.
   */
  async create(dto: CreateTaskDto, options: CreateTaskOptions = {}): Promise<TaskView> {
    const queue = this.queueOrThrow(dto.queue);
    if (queue.channel !== dto.channel) {
      throw new TaskException(TaskExceptionCode.CHANNEL_MISMATCH, `queue ${queue.name} takes ${queue.channel} tasks, not ${dto.channel}`);
    }
    if (dto.preferredAgentId && !this.directory.agent(dto.preferredAgentId)) {
      throw new TaskException(TaskExceptionCode.AGENT_NOT_FOUND, `preferred agent ${dto.preferredAgentId} does not exist`);
    }
    const now = new Date();
    const priority = dto.priority ?? 0;
    const externalId = dto.externalId ?? null;
    const task = await this.lifecycle.create({
      channel: dto.channel,
      queueId: queue.id,
      priority,
      skills: [...new Set(dto.skills ?? [])].sort(),
      preferredAgentId: dto.preferredAgentId ?? null,
      preferredUntil: dto.preferredAgentId ? new Date(now.getTime() + queue.preferredAgentTimeoutSeconds * 1000) : null,
      attributes: dto.attributes ?? {},
      externalId,
      conversationId: options.conversationId ?? null,
      score: virtualDeadline(now.getTime(), queue.slaSeconds, queue.priority + priority),
      enqueuedAt: now,
    });
    if (!task) {
      // A task with this externalId exists (a retry, or two creates raced): the first one wins, both get it.
      const existing = externalId === null ? null : await this.lifecycle.findByExternalId(externalId);
      if (!existing) throw new Error(`task with externalId ${externalId} neither created nor found`);
      return this.view(existing);
    }
    this.notify(task, 'created');
    const offered = await this.routing.enqueueAndRoute(task);
    return this.view(offered ?? task);
  }

  async get(id: string): Promise<TaskView> {
    return this.view(await this.findOrThrow(id));
  }

  async list(query: ListTasksQueryDto): Promise<TaskView[]> {
    const where: FindOptionsWhere<TaskEntity> = {};
    if (query.status) where.status = query.status;
    if (query.channel) where.channel = query.channel;
    if (query.queue) where.queueId = this.queueOrThrow(query.queue).id;
    const rows = await this.tasks.find({ where, order: { createdAt: 'DESC' }, take: query.limit ?? 100 });
    return rows.map((task) => this.view(task));
  }

  async cancel(id: string, actorId: string | null): Promise<TaskView> {
    const task = await this.findOrThrow(id);
    this.assertOpen(task, ['queued', 'offered', 'assigned']);
    const agentId = await this.detach(task, 'canceled');
    const now = new Date();
    await this.tasks.update({ id }, { status: 'canceled', completedAt: now });
    await this.history.record(task, { type: 'canceled', agentId, at: now, data: { by: actorId } });
    const view = this.view(await this.tasks.findOneByOrFail({ id }));
    if (agentId) {
      this.emitter.toAgent(agentId, 'task:updated', { task: view });
      await this.routing.routeAgent(agentId);
    }
    this.notify(task, 'canceled');
    return view;
  }

  /**
   * The customer left (caller hung up, visitor closed the chat): the task ends
   * `abandoned`, its ringing offer is revoked on the agent's screen at once and
   * an agent holding it is freed. Null (and no change) when the task was no
   * longer open, so a repeated or late signal is harmless.
   */
  async abandon(id: string, reason: string): Promise<TaskView | null> {
    // The task may move on meanwhile (offered, accepted at that very moment): detach it again from where it is now.
    for (let attempt = 0; attempt < 3; attempt++) {
      const task = await this.findOrThrow(id);
      if (!['queued', 'offered', 'assigned'].includes(task.status)) return null;
      const agentId = await this.detach(task, 'abandoned');
      const now = new Date();
      const result = await this.tasks.update({ id, status: task.status }, { status: 'abandoned', completedAt: now, disposition: reason });
      if (result.affected) return this.abandoned(task, agentId, reason, now);
    }
    this.logger.warn(`task ${id} kept changing while being abandoned; left as is`);
    return null;
  }

  private async abandoned(task: TaskEntity, agentId: string | null, reason: string, now: Date): Promise<TaskView> {
    const id = task.id;
    await this.history.record(task, { type: 'abandoned', agentId, at: now, data: { reason } });
    const view = this.view(await this.tasks.findOneByOrFail({ id }));
    if (agentId) {
      this.emitter.toAgent(agentId, 'task:updated', { task: view });
      await this.routing.routeAgent(agentId);
    }
    this.notify(task, 'abandoned');
    return view;
  }

  /**
   * The contact ended outside the agent's screen (a call hung up): an assigned
   * task completes as if its agent had completed it (wrap-up per queue); one
   * still waiting is abandoned; a finished one is left alone.
   */
  async endExternally(id: string, disposition: string): Promise<TaskView | null> {
    const task = await this.findOrThrow(id);
    if (task.status === 'assigned' && task.agentId) return this.complete(task.agentId, id, disposition);
    if (task.status === 'queued' || task.status === 'offered') return this.abandon(id, disposition);
    return null;
  }

  /** Moves a task to another queue or agent: the old task ends `transferred`, a new one keeps its age. */
  async transfer(id: string, dto: TransferTaskDto, actorId: string | null): Promise<TaskView> {
    if (!dto.queue === !dto.agentId) {
      throw new TaskException(TaskExceptionCode.BAD_TRANSFER, 'give exactly one of queue or agentId');
    }
    const task = await this.findOrThrow(id);
    this.assertOpen(task, ['queued', 'offered', 'assigned']);
    const queue = dto.queue ? this.queueOrThrow(dto.queue) : this.directory.queue(task.queueId);
    if (!queue) throw new TaskException(TaskExceptionCode.QUEUE_NOT_FOUND, `queue ${task.queueId} not found`);
    if (queue.channel !== task.channel) {
      throw new TaskException(TaskExceptionCode.CHANNEL_MISMATCH, `queue ${queue.name} takes ${queue.channel} tasks, not ${task.channel}`);
    }
    if (dto.agentId && !this.directory.agent(dto.agentId)) {
      throw new TaskException(TaskExceptionCode.AGENT_NOT_FOUND, `agent ${dto.agentId} does not exist`);
    }
    const agentId = await this.detach(task, 'transferred');
    const now = new Date();
    const next = await this.tasks.save(
      this.tasks.create({
        channel: task.channel,
        queueId: queue.id,
        status: 'queued',
        priority: task.priority,
        skills: task.skills,
        preferredAgentId: dto.agentId ?? null,
        preferredUntil: dto.agentId ? new Date(now.getTime() + queue.preferredAgentTimeoutSeconds * 1000) : null,
        attributes: { ...task.attributes, transferredFrom: task.id, ...(dto.note ? { transferNote: dto.note } : {}) },
        conversationId: task.conversationId,
        // The customer has been waiting since the first task: keep that age.
        score: virtualDeadline(task.createdAt.getTime(), queue.slaSeconds, queue.priority + task.priority),
        enqueuedAt: now,
      }),
    );
    await this.tasks.update({ id }, { status: 'transferred', completedAt: now });
    const data = { toQueue: queue.id, toAgent: dto.agentId ?? null, newTaskId: next.id, note: dto.note ?? null, by: actorId };
    await this.history.record(task, { type: 'transferred', agentId, at: now, data });
    await this.history.record(next, { type: 'created', at: now, data: { transferredFrom: task.id } });
    if (agentId) {
      this.emitter.toAgent(agentId, 'task:updated', { task: this.view(await this.tasks.findOneByOrFail({ id })) });
      await this.routing.routeAgent(agentId);
    }
    await this.routing.enqueue(next);
    this.notify(task, 'transferred');
    await this.routing.routeTask(next.id);
    return this.view(await this.tasks.findOneByOrFail({ id: next.id }));
  }

  /** The agent is done: the task goes to wrap-up (or straight to completed) and the capacity is freed. */
  async complete(agentId: string, taskId: string, disposition: string | null, notes?: string): Promise<TaskView> {
    // One statement: completed only if assigned to this agent; the reason is looked up only when it was not.
    const task = await this.lifecycle.completed(taskId, agentId, disposition, new Date(), this.wrapUps(), cleanNotes(notes));
    if (!task) throw await this.whyNotApplied(agentId, taskId, ['assigned']);
    const wrapUpSeconds = this.directory.queue(task.queueId)?.wrapUpSeconds ?? 0;
    // Quiet: the wrap-up below pushes the agent's presence (with the load given back) once.
    await this.offers.revokeForTask(taskId, 'completed', { quiet: true });
    const view = this.view(task);
    this.emitter.toAgent(agentId, 'task:updated', { task: view });
    await this.presence.startWrapUp(agentId, wrapUpSeconds);
    this.notify(task, 'completed');
    return view;
  }

  /**
   * The agent's notes on a task they hold, in progress or in wrap-up (wrap-up
   * follows completion here, so notes are often finished then). Every tab of
   * the agent gets the task again.
   */
  async setNotes(agentId: string, taskId: string, notes: string): Promise<TaskView> {
    const task = await this.lifecycle.notesChanged(taskId, agentId, cleanNotes(notes) ?? null);
    if (!task) throw await this.whyNotApplied(agentId, taskId, ['assigned', 'wrapping']);
    const view = this.view(task);
    this.emitter.toAgent(agentId, 'task:updated', { task: view });
    return view;
  }

  /** The error a completion (or a notes change) that did not apply deserves, from the task as it is now. */
  private async whyNotApplied(agentId: string, taskId: string, allowed: TaskStatus[]): Promise<TaskException> {
    const task = await this.tasks.findOneBy({ id: taskId });
    if (!task) return new TaskException(TaskExceptionCode.TASK_NOT_FOUND, `task ${taskId} not found`);
    if (task.agentId !== agentId) return new TaskException(TaskExceptionCode.NOT_YOURS, 'This task is not assigned to you');
    if (!allowed.includes(task.status)) return new TaskException(TaskExceptionCode.WRONG_STATUS, `task is ${task.status}; allowed only when ${allowed.join(' or ')}`);
    return new TaskException(TaskExceptionCode.WRONG_STATUS, 'The task changed meanwhile; reload it');
  }

  /** Wrap-up seconds of the queues that have one, as the completion statement takes them. */
  private wrapUps(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const queue of this.directory.allQueues()) if (queue.wrapUpSeconds > 0) out[queue.id] = queue.wrapUpSeconds;
    return out;
  }

  private notify(task: TaskEntity, change: TaskChange): void {
    for (const listener of this.changeListeners) {
      Promise.resolve()
        .then(() => listener(task, change))
        .catch((error) => this.logger.error(`task ${change} listener failed: ${String(error)}`));
    }
  }

  /** Takes the task away from the queue or from its agent; returns that agent, if any. */
  private async detach(task: TaskEntity, reason: string): Promise<string | null> {
    if (await this.store.dequeue(task.id)) {
      this.feed.queueChanged(task.queueId);
      return null;
    }
    const offer = await this.offers.revokeForTask(task.id, reason);
    return offer?.agentId ?? task.agentId;
  }

  private assertOpen(task: TaskEntity, allowed: TaskStatus[]): void {
    if (!allowed.includes(task.status)) {
      throw new TaskException(TaskExceptionCode.WRONG_STATUS, `task is ${task.status}; allowed only when ${allowed.join(' or ')}`);
    }
  }

  private queueOrThrow(idOrName: string): QueueProfile {
    const queue = this.directory.queueByIdOrName(idOrName);
    if (!queue) throw new TaskException(TaskExceptionCode.QUEUE_NOT_FOUND, `queue ${idOrName} not found`);
    return queue;
  }

  private async findOrThrow(id: string): Promise<TaskEntity> {
    const task = await this.tasks.findOneBy({ id });
    if (!task) throw new TaskException(TaskExceptionCode.TASK_NOT_FOUND, `task ${id} not found`);
    return task;
  }

  private view(task: TaskEntity): TaskView {
    return toTaskView(task, this.directory.queue(task.queueId)?.name ?? null);
  }
}

/** Notes as stored: surrounding blanks dropped, nothing written as null (undefined: not given). */
function cleanNotes(notes: string | undefined): string | null | undefined {
  if (notes === undefined) return undefined;
  const trimmed = notes.trim();
  return trimmed ? trimmed : null;
}
