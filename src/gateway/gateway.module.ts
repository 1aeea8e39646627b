import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { RoutingModule } from '../routing/routing.module';
import { TaskEntity } from '../tasks/task.entity';
import { AgentGateway } from './agent.gateway';
import { AgentResume } from './agent-resume';
import { SupervisorGateway } from './supervisor.gateway';

@Module({
  imports: [AuthModule, RoutingModule, TypeOrmModule.forFeature([TaskEntity])],
  providers: [AgentGateway, SupervisorGateway, AgentResume],
})
export class GatewayModule {}
