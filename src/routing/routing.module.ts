import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { BlendingService } from '../blending/blending.service';
import { SocketEmitter } from '../gateway/socket-emitter';
import { SupervisorFeed } from '../gateway/supervisor-feed';
import { PresenceNotifier } from '../presence/presence-notifier';
import { PresenceService } from '../presence/presence.service';
import { QueueEntity } from '../queues/queue.entity';
import { QueueLiveService } from '../queues/queue-live.service';
import { TaskEventEntity } from '../tasks/task-event.entity';
import { TaskEntity } from '../tasks/task.entity';
import { TaskHistoryService } from '../tasks/task-history.service';
import { TaskLifecycleRepository } from '../tasks/task-lifecycle.repository';
import { TasksService } from '../tasks/tasks.service';
import { DirectoryService } from './directory.service';
import { OfferEntity } from './offer.entity';
import { OffersService } from './offers.service';
import { RecoveryService } from './recovery.service';
import { RoutingService } from './routing.service';
import { TimerService } from './timer.service';

/**
 * The routing core: the services that move tasks and agents through their
 * life cycles call each other, so they live in one module (each in its own
 * domain folder). REST controllers and socket gateways import this module.
 */
const SERVICES = [
  DirectoryService,
  RoutingService,
  OffersService,
  TimerService,
  PresenceService,
  PresenceNotifier,
  TasksService,
  TaskHistoryService,
  TaskLifecycleRepository,
  QueueLiveService,
  BlendingService,
  SocketEmitter,
  SupervisorFeed,
  RecoveryService,
];

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity, QueueEntity, TaskEntity, TaskEventEntity, OfferEntity])],
  providers: SERVICES,
  exports: SERVICES,
})
export class RoutingModule {}
