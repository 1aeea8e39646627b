import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';
import { TaskEventTapModule } from './task-event-tap.module';

@Module({
  imports: [RoutingModule, TaskEventTapModule],
  controllers: [StatsController],
  providers: [StatsService],
  exports: [StatsService],
})
export class StatsModule {}
