import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { RoutingModule } from '../routing/routing.module';

/**
 * Agents REST API and AgentsService (exported: auth, gateways and routing
 * recovery read agents through it). Needs from outside: TypeORM root, the
 * global STATE_STORE, and RoutingModule (DirectoryService, PresenceService).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity]), RoutingModule],
  controllers: [AgentsController],
  providers: [AgentsService],
  exports: [AgentsService],
})
export class AgentsModule {}
