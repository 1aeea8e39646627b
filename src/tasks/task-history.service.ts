import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, In, InsertEvent, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TaskEntity } from './task.entity';
import { TaskEventEntity, TaskEventType } from './task-event.entity';
import { TaskEventView } from './task.view';

/** What `handling` answers: who handled each task and its events, read once for many tasks. */
export interface TaskHandling {
  /** The task's events, oldest first (empty for a task not given). */
  events(taskId: string): TaskEventView[];
  /** The agent's name; null for no agent or one that no longer exists. */
  agentName(agentId: string | null): string | null;
}

export interface TaskEventInput {
  type: TaskEventType;
  agentId?: string | null;
  at?: Date;
  data?: Record<string, unknown>;
}

/**
 * The durable task event history (what reports are computed from).
 *
 * Two ways in: `record` inserts one event on its own (the less frequent
 * transitions: cancel, transfer, abandon, wrap-up end…); the transitions on
 * the offer path write their event in the same statement as the task change
 * (TaskLifecycleRepository), so history is never behind the task, costs no
 * extra round trip, and nothing is lost or reordered on a crash, and then
 * call `announce`. Either way, the entity subscribers of `task_events` (the
 * task event tap: stats, email parking, surveys) see each event once, after
 * it is committed.
 */
@Injectable()
export class TaskHistoryService {
  private readonly logger = new Logger(TaskHistoryService.name);

  constructor(
    @InjectRepository(TaskEventEntity) private readonly events: Repository<TaskEventEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async record(task: Pick<TaskEntity, 'id' | 'queueId' | 'channel'>, event: TaskEventInput): Promise<void> {
    const row: QueryDeepPartialEntity<TaskEventEntity> = {
      taskId: task.id,
      type: event.type,
      queueId: task.queueId,
      channel: task.channel,
      agentId: event.agentId ?? null,
      at: event.at ?? new Date(),
      data: (event.data ?? {}) as QueryDeepPartialEntity<Record<string, unknown>>,
    };
    await this.events.insert(row);
  }

  /**
   * An event another statement has written (see TaskLifecycleRepository):
   * tells the `task_events` subscribers, as TypeORM does after an insert.
   */
  announce(task: Pick<TaskEntity, 'id' | 'queueId' | 'channel'>, event: TaskEventInput): void {
    const entity = Object.assign(new TaskEventEntity(), {
      taskId: task.id,
      type: event.type,
      queueId: task.queueId,
      channel: task.channel,
      agentId: event.agentId ?? null,
      at: event.at ?? new Date(),
      data: event.data ?? {},
    });
    const insert = {
      connection: this.dataSource,
      manager: this.dataSource.manager,
      metadata: this.dataSource.getMetadata(TaskEventEntity),
      entity,
    } as unknown as InsertEvent<TaskEventEntity>;
    for (const subscriber of this.dataSource.subscribers as Array<EntitySubscriberInterface<TaskEventEntity>>) {
      if (!subscriber.afterInsert || (subscriber.listenTo && subscriber.listenTo() !== TaskEventEntity)) continue;
      Promise.resolve()
        .then(() => subscriber.afterInsert?.(insert))
        .catch((error: unknown) => this.logger.error(`task event subscriber failed on ${event.type}: ${error instanceof Error ? error.stack : String(error)}`));
    }
  }

  /**
   * Who handled what and when, for the tasks shown together (a conversation,
   * a customer journey): two queries whatever the number of tasks, the events
   * and the names of the agents named by the tasks or their events.
   */
  async handling(tasks: Array<Pick<TaskEntity, 'id' | 'agentId'>>): Promise<TaskHandling> {
    const events = tasks.length ? await this.events.find({ where: { taskId: In(tasks.map((task) => task.id)) }, order: { at: 'ASC', id: 'ASC' } }) : [];
    const agentIds = [...new Set([...tasks, ...events].map((row) => row.agentId).filter((id): id is string => !!id))];
    const agents: Array<{ id: string; name: string }> = agentIds.length ? await this.dataSource.query(`SELECT id, name FROM agents WHERE id = ANY($1)`, [agentIds]) : [];
    const names = new Map(agents.map((agent) => [agent.id, agent.name]));
    const agentName = (agentId: string | null) => (agentId ? (names.get(agentId) ?? null) : null);
    const byTask = new Map<string, TaskEventView[]>();
    for (const event of events) {
      const view: TaskEventView = { type: event.type, at: event.at.toISOString(), agentId: event.agentId, agentName: agentName(event.agentId), data: event.data };
      const own = byTask.get(event.taskId);
      if (own) own.push(view);
      else byTask.set(event.taskId, [view]);
    }
    return { events: (taskId) => byTask.get(taskId) ?? [], agentName };
  }

  async ofTask(taskId: string): Promise<TaskEventEntity[]> {
    return this.events.find({ where: { taskId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
