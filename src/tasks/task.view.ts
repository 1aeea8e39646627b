import { TaskView } from '../gateway/socket-events';
import { TaskEntity } from './task.entity';

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
