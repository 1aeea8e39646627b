import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { RoutingModule } from '../routing/routing.module';
import { TaskEntity } from '../tasks/task.entity';
import { ConversationEntity } from './conversation.entity';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { MessageEntity } from './message.entity';

/** Conversations and messages, shared by the voice, chat and email channels. */
@Module({
  imports: [TypeOrmModule.forFeature([ConversationEntity, MessageEntity, CustomerEntity, TaskEntity]), RoutingModule],
  controllers: [ConversationsController],
  providers: [ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
