import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from '../../agents/agent.entity';
import { AuthModule } from '../../auth/auth.module';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { ConversationsModule } from '../../conversations/conversations.module';
import { MessageEntity } from '../../conversations/message.entity';
import { CustomerEntity } from '../../customers/customer.entity';
import { CustomersModule } from '../../customers/customers.module';
import { RoutingModule } from '../../routing/routing.module';
import { TaskEntity } from '../../tasks/task.entity';
import { TemplatesModule } from '../../templates/templates.module';
import { EmailAnalysisModule } from './analysis/email-analysis.module';
import { AnswerEtaService } from './answer-eta.service';
import { AttachmentsController } from './attachments.controller';
import { AutoRepliesModule } from './auto-replies/auto-replies.module';
import { EmailAcknowledger } from './email-acknowledger.service';
import { EmailAttachmentEntity } from './email-attachment.entity';
import { EmailAutoResponder } from './email-auto-responder.service';
import { EmailIngestService } from './email-ingest.service';
import { EmailThreadingService } from './email-threading.service';
import { MailboxEntity } from './mailbox.entity';
import { MailboxRunnerService } from './mailbox-runner.service';
import { MailboxesController } from './mailboxes.controller';
import { MailboxesService } from './mailboxes.service';
import { OutboundMailEntity } from './outbound-mail.entity';
import { OutboxService } from './outbox.service';
import { QuarantinedMailEntity } from './quarantined-mail.entity';
import { RepliesController } from './replies.controller';
import { RepliesService } from './replies.service';
import { secretBoxProvider } from './secret-box.provider';

/**
 * The email channel: mailboxes watched over IMAP (one node per mailbox),
 * every inbound mail a message of a conversation and a task in the universal
 * queue, acknowledgements and auto-replies with loop defence, agents' replies
 * with supervisor approval, all outgoing mail through one outbox.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      MailboxEntity,
      QuarantinedMailEntity,
      EmailAttachmentEntity,
      OutboundMailEntity,
      MessageEntity,
      ConversationEntity,
      CustomerEntity,
      TaskEntity,
      AgentEntity,
    ]),
    AuthModule,
    RoutingModule,
    CustomersModule,
    ConversationsModule,
    TemplatesModule,
    EmailAnalysisModule,
    AutoRepliesModule,
  ],
  controllers: [MailboxesController, RepliesController, AttachmentsController],
  providers: [
    secretBoxProvider,
    MailboxesService,
    MailboxRunnerService,
    EmailIngestService,
    EmailThreadingService,
    EmailAcknowledger,
    EmailAutoResponder,
    AnswerEtaService,
    OutboxService,
    RepliesService,
  ],
  exports: [MailboxesService, EmailIngestService, OutboxService],
})
export class EmailModule {}
