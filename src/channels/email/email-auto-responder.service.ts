import { Inject, Injectable, Logger } from '@nestjs/common';
import { buildMergeContext } from '../../templates/merge-context';
import { EmailAnalysis } from './analysis/email-analysis';
import { AnswerEtaService } from './answer-eta.service';
import { AutoRepliesService } from './auto-replies/auto-replies.service';
import { withReference } from './acknowledgement';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { answerHeaders, AutomaticMailContext } from './email-acknowledger.service';
import { OutboxService } from './outbox.service';

/**
 * Auto-reply rules at ingestion: an information or quote request matching a
 * rule gets that rule's template (and attachments) at once. The auto-reply
 * replaces the acknowledgement (it carries the reference too) and counts
 * against the same daily cap; the task is still queued unless the rule says
 * the answer closes the request.
 */
@Injectable()
export class EmailAutoResponder {
  private readonly logger = new Logger(EmailAutoResponder.name);

  constructor(
    private readonly rules: AutoRepliesService,
    private readonly outbox: OutboxService,
    private readonly eta: AnswerEtaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The rule that answered, or null when none did (no match, no address, cap reached). */
  async answer({ mailbox, message, conversation, customer }: AutomaticMailContext): Promise<{ closesRequest: boolean; ruleId: string } | null> {
    const to = (message.meta?.replyAddress as string | null) ?? null;
    const analysis = (message.meta?.analysis as EmailAnalysis | null) ?? null;
    if (!to || !analysis || message.meta?.noReply) return null;
    const input = { intent: analysis.intent, language: analysis.language, subject: message.subject ?? '', text: message.text ?? '', mailboxId: mailbox.id };
    const match = await this.rules.match(input);
    if (!match) return null;
    const etaHours = (await this.eta.estimateSeconds(mailbox.queueId)) / 3600;
    const context = buildMergeContext({ customer, conversation, mailboxAddress: mailbox.address, etaHours, language: analysis.language });
    const rendered = (await this.rules.answer(input, context))?.mail;
    if (!rendered) return null;
    const queued = await this.outbox.enqueueAutomatic({
      kind: 'auto-reply',
      idempotencyKey: `auto:${message.id}`,
      mailbox,
      conversationId: conversation.id,
      templateId: match.templateId,
      to,
      subject: withReference(rendered.subject, conversation.subject, conversation.ref),
      text: rendered.text,
      html: rendered.html,
      attachments: rendered.attachments,
      ...answerHeaders(message),
    }, this.config.emailAutoMailsPerDay);
    // The cap stopped it: the acknowledgement is capped too, and the task is queued.
    if (!queued) return null;
    this.logger.log(`auto-reply "${match.ruleName}" to ${to} on ${conversation.ref}${match.closesRequest ? ' (closes the request)' : ''}`);
    return { closesRequest: match.closesRequest, ruleId: match.ruleId };
  }
}
