import { AgentEntity } from '../agents/agent.entity';
import { QueueEntity } from '../queues/queue.entity';
import { OfferEntity } from '../routing/offer.entity';
import { TaskEventEntity } from '../tasks/task-event.entity';
import { TaskEntity } from '../tasks/task.entity';

/**
 * Every TypeORM entity of the app, listed explicitly (no glob, no
 * autoLoadEntities) so the app, the CLI and the tests all see the same schema.
 * Add a new entity here *and* a migration creating its table.
 */
export const ENTITIES = [AgentEntity, QueueEntity, TaskEntity, TaskEventEntity, OfferEntity];
