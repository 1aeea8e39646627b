import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { RoutingModule } from '../routing/routing.module';
import { TaskEntity } from '../tasks/task.entity';
import { CustomerEntity } from './customer.entity';
import { CustomerJourneyService } from './customer-journey.service';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers and their journey across channels. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CustomerEntity, AgentEntity, ConversationEntity, MessageEntity, TaskEntity]),
    RoutingModule,
  ],
  controllers: [CustomersController],
  providers: [CustomersService, CustomerJourneyService],
  exports: [CustomersService],
})
export class CustomersModule {}
