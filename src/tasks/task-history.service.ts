import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TaskEntity } from './task.entity';
import { TaskEventEntity, TaskEventType } from './task-event.entity';

export interface TaskEventInput {
  type: TaskEventType;
  agentId?: string | null;
  at?: Date;
  data?: Record<string, unknown>;
}

/** Appends to the durable task event history (what reports are computed from). */
@Injectable()
export class TaskHistoryService {
  constructor(@InjectRepository(TaskEventEntity) private readonly events: Repository<TaskEventEntity>) {}

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

  async ofTask(taskId: string): Promise<TaskEventEntity[]> {
    return this.events.find({ where: { taskId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
