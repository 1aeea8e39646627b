import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoutingModule } from '../routing/routing.module';
import { TaskEventTapModule } from '../stats/task-event-tap.module';
import { TaskEntity } from '../tasks/task.entity';
import { BlendingController } from './blending.controller';
import { BlendingPolicyChangeEntity, BlendingPolicyEntity } from './blending-policy.entity';
import { BlendingPolicyService } from './blending-policy.service';
import { EmailParkingService } from './email-parking.service';

/**
 * The blending API (policy, history), the SLA-guard timer and email parking.
 * The live policy itself (BlendingService) lives in RoutingModule: every
 * routing decision reads it.
 */
@Module({
  imports: [RoutingModule, TaskEventTapModule, TypeOrmModule.forFeature([BlendingPolicyEntity, BlendingPolicyChangeEntity, TaskEntity])],
  controllers: [BlendingController],
  providers: [BlendingPolicyService, EmailParkingService],
  exports: [BlendingPolicyService],
})
export class BlendingModule {}
