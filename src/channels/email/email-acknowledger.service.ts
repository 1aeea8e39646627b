import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { MessageEntity } from '../../conversations/message.entity';
import { CustomerEntity } from '../../customers/customer.entity';
import { DEFAULT_TEMPLATES } from '../../templates/default-templates';
import { buildMergeContext } from '../../templates/merge-context';
import { TemplatesService } from '../../templates/templates.service';
import { EmailAnalysis } from './analysis/email-analysis';
import { withReference } from './acknowledgement';
import { AnswerEtaService } from './answer-eta.service';
import { MailboxEntity } from './mailbox.entity';
import { OutboxService } from './outbox.service';

export interface AutomaticMailContext {
  mailbox: MailboxEntity;
  message: MessageEntity;
  conversation: ConversationEntity;
  customer: CustomerEntity | null;
}

/** Threading headers for any mail answering `message`. */
export function answerHeaders(message: MessageEntity): { inReplyTo: string | null; references: string[] } {
  const references = [...message.references, ...(message.messageId ? [message.messageId] : [])].slice(-20);
  return { inReplyTo: message.messageId, references };
}

/**
 * The acknowledgement of a new conversation: its reference and when it will
 * be answered (from the live backlog, see AnswerEtaService), in the
 * customer's language, rendered from the "acknowledgement" template of that
 * language (editable by supervisors; see src/templates/default-templates.ts).
 * Sent at most once per inbound mail (outbox key `ack:<message>`) and at most
 * EMAIL_AUTO_MAILS_PER_DAY automatic mails per address per day, so a customer
 * (or a robot that passes the loop checks) writing fifty times gets a bounded
 * number of answers.
 */
@Injectable()
export class EmailAcknowledger {
  private readonly logger = new Logger(EmailAcknowledger.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly eta: AnswerEtaService,
    private readonly templates: TemplatesService,
  ) {}

  /** False when there is nobody to answer, the template is gone or the daily cap stopped it. */
  async acknowledge({ mailbox, message, conversation, customer }: AutomaticMailContext): Promise<boolean> {
    const to = (message.meta?.replyAddress as string | null) ?? null;
    if (!to) return false;
    const language = ((message.meta?.analysis as EmailAnalysis | null)?.language ?? 'en') as 'fr' | 'en';
    const etaHours = (await this.eta.estimateSeconds(mailbox.queueId)) / 3600;
    const name = DEFAULT_TEMPLATES.find((template) => template.key === 'acknowledgement' && template.language === language)?.name;
    const template = name ? await this.templates.findByName(name) : null;
    if (!template) {
      this.logger.error(`no acknowledgement template "${name}" (${language}): ${conversation.ref} not acknowledged`);
      return false;
    }
    const rendered = await this.templates.render(
      template.id,
      buildMergeContext({ customer, conversation, mailboxAddress: mailbox.address, etaHours, language }),
    );
    const queued = await this.outbox.enqueueAutomatic({
      kind: 'acknowledgement',
      idempotencyKey: `ack:${message.id}`,
      mailbox,
      conversationId: conversation.id,
      templateId: template.id,
      to,
      subject: withReference(rendered.subject, conversation.subject, conversation.ref),
      text: rendered.text,
      html: rendered.html,
      ...answerHeaders(message),
    }, this.config.emailAutoMailsPerDay);
    return queued !== null;
  }
}
