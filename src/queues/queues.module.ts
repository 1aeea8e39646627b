import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueEntity } from './queue.entity';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';
import { RoutingModule } from '../routing/routing.module';

/**
 * Queues REST API and QueuesService (exported: `findByIdOrName` resolves the
 * `queue` of a new task). Needs from outside: TypeORM root and RoutingModule
 * (DirectoryService, QueueLiveService).
 */
@Module({
  imports: [TypeOrmModule.forFeature([QueueEntity]), RoutingModule],
  controllers: [QueuesController],
  providers: [QueuesService],
  exports: [QueuesService],
})
export class QueuesModule {}
