import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { TasksController } from './tasks.controller';

/** The tasks REST API (TasksService itself lives with the routing core it drives). */
@Module({
  imports: [RoutingModule],
  controllers: [TasksController],
})
export class TasksModule {}
