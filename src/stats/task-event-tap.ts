import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { TaskEventEntity, TaskEventType } from '../tasks/task-event.entity';

/** A task event as it was recorded (the row's values). */
export interface TappedTaskEvent {
  taskId: string;
  type: TaskEventType;
  queueId: string | null;
  agentId: string | null;
  channel: string | null;
  at: Date;
  data: Record<string, unknown>;
}

export type TaskEventListener = (event: TappedTaskEvent) => void | Promise<void>;

/**
 * Every task event recorded by this process (TaskHistoryService writes one on
 * every change), handed to listeners after the insert: the supervisor stats
 * feed, email parking and surveys react to the task life cycle without the
 * core calling them. Listeners run after the insert returns, detached, so a
 * slow or failing listener never delays or breaks the routing core. Each event
 * is recorded by exactly one node, so each listener sees it once floor-wide.
 */
@Injectable()
export class TaskEventTap implements EntitySubscriberInterface<TaskEventEntity> {
  private readonly logger = new Logger(TaskEventTap.name);
  private readonly listeners: TaskEventListener[] = [];

  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof TaskEventEntity {
    return TaskEventEntity;
  }

  on(listener: TaskEventListener): void {
    this.listeners.push(listener);
  }

  afterInsert(event: InsertEvent<TaskEventEntity>): void {
    const row = event.entity as Partial<TaskEventEntity> | undefined;
    if (!row?.taskId || !row.type) return;
    const tapped: TappedTaskEvent = {
      taskId: row.taskId,
      type: row.type,
      queueId: row.queueId ?? null,
      agentId: row.agentId ?? null,
      channel: row.channel ?? null,
      at: row.at instanceof Date ? row.at : new Date(),
      data: (row.data as Record<string, unknown> | undefined) ?? {},
    };
    setImmediate(() => {
      for (const listener of this.listeners) {
        Promise.resolve()
          .then(() => listener(tapped))
          .catch((error: unknown) => this.logger.error(`task event listener failed on ${tapped.type}: ${error instanceof Error ? error.stack : String(error)}`));
      }
    });
  }
}
