import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { MessageEntity } from '../../conversations/message.entity';
import { CustomerEntity } from '../../customers/customer.entity';
import { defaultTemplateName } from '../../templates/default-templates';
import { buildMergeContext, MergeContext } from '../../templates/merge-context';
import { RenderedTemplate } from '../../templates/template-renderer';
import { TemplateException, TemplateExceptionCode } from '../../templates/template.exception';
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
 * language (editable by supervisors; see src/templates/default-templates.ts),
 * or from the built-in text when that template was deleted or renamed (with
 * a warning, once per language until it is back): acknowledgements never stop
 * silently.
 * Sent at most once per inbound mail (outbox key `ack:<message>`) and at most
 * EMAIL_AUTO_MAILS_PER_DAY automatic mails per address per day, so a customer
 * (or a robot that passes the loop checks) writing fifty times gets a bounded
 * number of answers.
 */
@Injectable()
export class EmailAcknowledger {
  private readonly logger = new Logger(EmailAcknowledger.name);
  /** Languages whose acknowledgement template is missing and was reported (see usedTemplate). */
  private readonly reportedMissing = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly eta: AnswerEtaService,
    private readonly templates: TemplatesService,
  ) {}

  /** False when there is nobody to answer or the daily cap stopped it. */
  async acknowledge({ mailbox, message, conversation, customer }: AutomaticMailContext): Promise<boolean> {
    const to = (message.meta?.replyAddress as string | null) ?? null;
    if (!to) return false;
    const analysed = (message.meta?.analysis as EmailAnalysis | null)?.language;
    const language: 'fr' | 'en' = analysed === 'fr' ? 'fr' : 'en';
    const etaHours = (await this.eta.estimateSeconds(mailbox.queueId)) / 3600;
    const { templateId, rendered } = await this.render(language, buildMergeContext({ customer, conversation, mailboxAddress: mailbox.address, etaHours, language }));
    const queued = await this.outbox.enqueueAutomatic({
      kind: 'acknowledgement',
      idempotencyKey: `ack:${message.id}`,
      mailbox,
      conversationId: conversation.id,
      templateId,
      to,
      subject: withReference(rendered.subject, conversation.subject, conversation.ref),
      text: rendered.text,
      html: rendered.html,
      ...answerHeaders(message),
    }, this.config.emailAutoMailsPerDay);
    return queued !== null;
  }

  /** The `acknowledgement-<language>` template, or the built-in text when it is gone. */
  private async render(language: 'fr' | 'en', context: MergeContext): Promise<{ templateId: string | null; rendered: RenderedTemplate }> {
    const name = defaultTemplateName('acknowledgement', language);
    const template = await this.templates.findByName(name);
    if (template) {
      try {
        const rendered = await this.templates.render(template.id, context);
        this.reportedMissing.delete(language);
        return { templateId: template.id, rendered };
      } catch (error) {
        // Deleted between the look-up and the render: same as missing.
        if (!(error instanceof TemplateException && error.code === TemplateExceptionCode.NOT_FOUND)) throw error;
      }
    }
    if (!this.reportedMissing.has(language)) {
      this.reportedMissing.add(language);
      this.logger.warn(`no template "${name}": acknowledgements in ${language} use the built-in text until a template of that name exists again`);
    }
    return { templateId: null, rendered: this.templates.renderBuiltIn('acknowledgement', language, context) };
  }
}
