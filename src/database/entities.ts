import { AgentEntity } from '../agents/agent.entity';
import { BlendingPolicyChangeEntity, BlendingPolicyEntity } from '../blending/blending-policy.entity';
import { QualityReviewEntity, QualitySampleEntity } from '../quality/quality.entity';
import { SurveyEntity } from '../surveys/survey.entity';
import { CallRouteEntity } from '../channels/voice/call-route.entity';
import { TelephonyEventEntity } from '../channels/voice/telephony-event.entity';
import { EmailAttachmentEntity } from '../channels/email/email-attachment.entity';
import { MailboxEntity } from '../channels/email/mailbox.entity';
import { OutboundMailEntity } from '../channels/email/outbound-mail.entity';
import { PriorityRuleEntity } from '../channels/email/analysis/priority-rule.entity';
import { QuarantinedMailEntity } from '../channels/email/quarantined-mail.entity';
import { ChatSessionEntity } from '../channels/chat/chat-session.entity';
import { FaqEntryEntity } from '../channels/chat/faq-entry.entity';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { QueueEntity } from '../queues/queue.entity';
import { OfferEntity } from '../routing/offer.entity';
import { TaskEventEntity } from '../tasks/task-event.entity';
import { TaskEntity } from '../tasks/task.entity';
import { TemplateEntity } from '../templates/template.entity';
import { AutoReplyRuleEntity } from '../channels/email/auto-replies/auto-reply-rule.entity';

/**
 * Every TypeORM entity of the app, listed explicitly (no glob, no
 * autoLoadEntities) so the app, the CLI and the tests all see the same schema.
 * Add a new entity here *and* a migration creating its table.
 */
export const ENTITIES = [
  AgentEntity,
  QueueEntity,
  TaskEntity,
  TaskEventEntity,
  OfferEntity,
  // Voice and chat channels, customers and conversations (issue 4).
  CustomerEntity,
  ConversationEntity,
  MessageEntity,
  TelephonyEventEntity,
  CallRouteEntity,
  ChatSessionEntity,
  FaqEntryEntity,
  // Blending policy, quality reviews, surveys (issue 5).
  BlendingPolicyEntity,
  BlendingPolicyChangeEntity,
  QualitySampleEntity,
  QualityReviewEntity,
  SurveyEntity,
  // Email channel (issue 3).
  MailboxEntity,
  QuarantinedMailEntity,
  EmailAttachmentEntity,
  OutboundMailEntity,
  PriorityRuleEntity,
  // Reply templates and email auto-reply rules.
  TemplateEntity,
  AutoReplyRuleEntity,
];
