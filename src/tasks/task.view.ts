import { TaskView } from '../gateway/socket-events';
import { TaskEntity } from './task.entity';
import { TaskEventType } from './task-event.entity';

/** One event of a task's history, with the agent it concerns (name null when none or deleted). */
export interface TaskEventView {
  type: TaskEventType;
  at: string;
  agentId: string | null;
  agentName: string | null;
  data: Record<string, unknown>;
}

/** A task as `GET /api/conversations/:id` lists it: who handled it, and when each thing happened. */
export interface HandledTaskView extends TaskView {
  agentName: string | null;
  events: TaskEventView[];
}

export function toTaskView(task: TaskEntity, queueName: string | null): TaskView {
  return {
    id: task.id,
    channel: task.channel,
    queueId: task.queueId,
    queue: queueName,
    status: task.status,
    priority: task.priority,
    skills: task.skills,
    preferredAgentId: task.preferredAgentId,
    attributes: task.attributes,
    externalId: task.externalId,
    conversationId: task.conversationId,
    agentId: task.agentId,
    createdAt: task.createdAt.toISOString(),
    enqueuedAt: task.enqueuedAt.toISOString(),
    assignedAt: task.assignedAt?.toISOString() ?? null,
    completedAt: task.completedAt?.toISOString() ?? null,
    disposition: task.disposition,
    notes: task.notes ?? null,
  };
}
