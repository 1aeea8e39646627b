import { Injectable } from '@nestjs/common';
import { AgentEntity } from '../agents/agent.entity';
import { QueueEntity } from '../queues/queue.entity';

/**
 * STUB (being implemented): the in-process directory of agents' skills and
 * queues that routing decisions read, kept in step across nodes.
 */
@Injectable()
export class DirectoryService {
  /** Call after an agent was created or changed in Postgres. */
  async agentChanged(agent: AgentEntity): Promise<void> {
    void agent;
  }
  /** Call after an agent was deleted. */
  async agentRemoved(agentId: string): Promise<void> {
    void agentId;
  }
  /** Call after a queue was created or changed in Postgres. */
  async queueChanged(queue: QueueEntity): Promise<void> {
    void queue;
  }
}
