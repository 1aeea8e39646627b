import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../../auth/auth.module';
import { ConversationsModule } from '../../conversations/conversations.module';
import { CustomersModule } from '../../customers/customers.module';
import { RoutingModule } from '../../routing/routing.module';
import { SurveysModule } from '../../surveys/surveys.module';
import { TaskEntity } from '../../tasks/task.entity';
import { ChatAgentGateway } from './chat-agent.gateway';
import { ChatController } from './chat.controller';
import { ChatEmitter } from './chat-emitter';
import { ChatGateway } from './chat.gateway';
import { ChatQueuePositionService } from './chat-queue-position.service';
import { ChatSessionEntity } from './chat-session.entity';
import { ChatSessionRateLimitGuard } from './chat-session-rate-limit.guard';
import { ChatSessionsService } from './chat-sessions.service';
import { FaqController } from './faq.controller';
import { FaqEntryEntity } from './faq-entry.entity';
import { FaqService } from './faq.service';

/** The web chat channel: public sessions, the /chat visitor socket, self-service FAQ, agent messages, the survey link after a completed chat. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ChatSessionEntity, FaqEntryEntity, TaskEntity]),
    AuthModule,
    RoutingModule,
    CustomersModule,
    ConversationsModule,
    SurveysModule,
  ],
  controllers: [ChatController, FaqController],
  providers: [
    ChatSessionsService,
    ChatQueuePositionService,
    ChatEmitter,
    FaqService,
    ChatGateway,
    ChatAgentGateway,
    ChatSessionRateLimitGuard,
  ],
})
export class ChatModule {}
