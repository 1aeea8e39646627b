import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, Raw, Repository } from 'typeorm';
import { AgentEntity } from '../../agents/agent.entity';
import { AuthUser } from '../../auth/auth-user';
import { hasRole } from '../../auth/roles';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { ConversationsService } from '../../conversations/conversations.service';
import { MessageEntity } from '../../conversations/message.entity';
import { CustomerEntity } from '../../customers/customer.entity';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { ReplyView } from '../../gateway/socket-events';
import { OffersService } from '../../routing/offers.service';
import { TaskEntity } from '../../tasks/task.entity';
import { buildMergeContext } from '../../templates/merge-context';
import { TemplatesService } from '../../templates/templates.service';
import { EmailAnalysis } from './analysis/email-analysis';
import { withReference } from './acknowledgement';
import { answerHeaders } from './email-acknowledger.service';
import { EmailException, EmailExceptionCode } from './email.exception';
import { MailboxesService } from './mailboxes.service';
import { OutboundMailEntity } from './outbound-mail.entity';
import { OutboxService, toReplyView } from './outbox.service';
import { ListRepliesQueryDto, ReplyDto, ReviewReplyDto } from './reply.dto';

/**
 * Agents' replies on email conversations: from the mailbox the customer
 * wrote to, with the threading headers of the mail being answered and the
 * reference in the subject. A reply waits in `pending_approval` when the
 * agent asks for it, when the agent is flagged for review
 * (`repliesNeedApproval`), or when the mailbox reviews complaints and the
 * customer's mail was one; a supervisor approves (sent) or rejects it (back to
 * the agent with a comment).
 */
@Injectable()
export class RepliesService implements OnModuleInit {
  private readonly logger = new Logger(RepliesService.name);

  constructor(
    @InjectRepository(OutboundMailEntity) private readonly outboundMails: Repository<OutboundMailEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(CustomerEntity) private readonly customers: Repository<CustomerEntity>,
    private readonly conversations: ConversationsService,
    private readonly mailboxes: MailboxesService,
    private readonly outbox: OutboxService,
    private readonly templates: TemplatesService,
    private readonly offers: OffersService,
    private readonly emitter: SocketEmitter,
  ) {}

  onModuleInit(): void {
    // The agent who takes an email owns its conversation: the customer's next mail waits for them first.
    this.offers.onAccepted((task, agentId) => {
      if (task.channel !== 'email' || !task.conversationId) return;
      this.conversations.setOwner(task.conversationId, agentId).catch((error) => this.logger.warn(`owner of ${task.conversationId} not set: ${String(error)}`));
    });
  }

  /**
   * `clientKey` (the `Idempotency-Key` header) makes a retried or double
   * submitted request answer the first reply instead of sending a second
   * mail; it is scoped to the conversation and the author, and the outbox's
   * unique key settles two requests racing each other.
   */
  async reply(user: AuthUser, conversationId: string, dto: ReplyDto, clientKey?: string): Promise<ReplyView> {
    const idempotencyKey = clientKey === undefined ? null : `reply:${conversationId}:${user.id}:${checkedClientKey(clientKey)}`;
    if (!dto.text && !dto.templateId) throw new EmailException(EmailExceptionCode.EMPTY_REPLY, 'give the reply text or a templateId');
    const conversation = await this.conversations.entity(conversationId);
    if (conversation.channel !== 'email') throw new EmailException(EmailExceptionCode.NOT_EMAIL_CONVERSATION, `conversation ${conversation.ref} is not an email conversation`);
    const task = await this.authorize(user, conversation, dto.taskId);
    const earlier = idempotencyKey ? await this.outboundMails.findOneBy({ idempotencyKey }) : null;
    if (earlier) return toReplyView(earlier);
    // The customer's latest mail someone can answer: an out-of-office or a bounce threaded in since does not count.
    const answered = await this.messages.findOne({
      where: { conversationId, direction: 'in', channel: 'email', meta: Raw((alias) => `${alias} ->> 'replyAddress' IS NOT NULL`) },
      order: { at: 'DESC' },
    });
    const to = (answered?.meta?.replyAddress as string | null | undefined) ?? null;
    if (!answered || !to) throw new EmailException(EmailExceptionCode.NO_RECIPIENT, `conversation ${conversation.ref} has no customer mail to answer`);
    if (!answered.mailboxId) throw new EmailException(EmailExceptionCode.NO_MAILBOX, `conversation ${conversation.ref} came through no mailbox`);
    const mailbox = await this.mailboxes.entity(answered.mailboxId);
    const author = await this.agents.findOneByOrFail({ id: user.id });

    let text = dto.text ?? '';
    let html: string | null = null;
    let subject = dto.subject ?? null;
    let attachments: OutboundMailEntity['attachments'] = [];
    if (dto.templateId) {
      const customer = conversation.customerId ? await this.customers.findOneBy({ id: conversation.customerId }) : null;
      const rendered = await this.templates.render(dto.templateId, buildMergeContext({ customer, conversation, agent: author, mailboxAddress: mailbox.address }));
      attachments = rendered.attachments;
      if (!dto.text) {
        text = rendered.text;
        html = rendered.html;
      }
      subject ??= rendered.subject || null;
    }
    const reviewReason = this.reviewReason(user, author, dto, mailbox.reviewComplaints, answered);
    const mail = await this.outbox.enqueue({
      kind: 'reply',
      idempotencyKey,
      mailbox,
      conversationId,
      taskId: task?.id ?? dto.taskId ?? null,
      authorAgentId: user.id,
      templateId: dto.templateId ?? null,
      to,
      subject: withReference(subject, conversation.subject, conversation.ref),
      text,
      html,
      attachments,
      reviewReason,
      ...answerHeaders(answered),
    });
    return toReplyView(mail);
  }

  async approve(user: AuthUser, id: string, dto: ReviewReplyDto): Promise<ReplyView> {
    const released = await this.outbox.release(id, user.id, dto.comment ?? null);
    if (!released) throw await this.notPending(id);
    const reply = toReplyView(released);
    this.emitter.toSupervisors('reply:updated', { reply });
    if (released.authorAgentId) this.emitter.toAgent(released.authorAgentId, 'reply:updated', { reply });
    return reply;
  }

  async reject(user: AuthUser, id: string, dto: ReviewReplyDto): Promise<ReplyView> {
    if (!dto.comment) throw new EmailException(EmailExceptionCode.EMPTY_REPLY, 'a rejection needs a comment for the agent');
    const rejected = await this.outbox.reject(id, user.id, dto.comment);
    if (!rejected) throw await this.notPending(id);
    const reply = toReplyView(rejected);
    this.emitter.toSupervisors('reply:updated', { reply });
    if (rejected.authorAgentId) this.emitter.toAgent(rejected.authorAgentId, 'reply:updated', { reply });
    return reply;
  }

  /** Supervisors see every reply; agents their own. */
  async list(user: AuthUser, query: ListRepliesQueryDto): Promise<ReplyView[]> {
    const where: FindOptionsWhere<OutboundMailEntity> = {};
    if (query.status) where.status = query.status;
    if (query.conversationId) where.conversationId = query.conversationId;
    if (!hasRole(user.role, 'supervisor')) where.authorAgentId = user.id;
    const rows = await this.outboundMails.find({ where, order: { createdAt: query.status === 'pending_approval' ? 'ASC' : 'DESC' }, take: 200 });
    return rows.map(toReplyView);
  }

  async get(user: AuthUser, id: string): Promise<ReplyView> {
    const row = await this.outboundMails.findOneBy({ id });
    if (!row || (!hasRole(user.role, 'supervisor') && row.authorAgentId !== user.id)) {
      throw new EmailException(EmailExceptionCode.REPLY_NOT_FOUND, `reply ${id} not found`);
    }
    return toReplyView(row);
  }

  /** Supervisors answer any conversation; an agent one they own or hold a task of. */
  private async authorize(user: AuthUser, conversation: ConversationEntity, taskId: string | undefined): Promise<TaskEntity | null> {
    const tasks = await this.tasks.find({ where: { conversationId: conversation.id, channel: 'email', status: In(['assigned', 'wrapping']) } });
    const mine = tasks.find((task) => task.agentId === user.id && (!taskId || task.id === taskId)) ?? null;
    if (hasRole(user.role, 'supervisor') || mine || conversation.ownerAgentId === user.id) return mine;
    throw new EmailException(EmailExceptionCode.NOT_YOUR_CONVERSATION, `conversation ${conversation.ref} is not assigned to you`);
  }

  private reviewReason(user: AuthUser, author: AgentEntity, dto: ReplyDto, reviewComplaints: boolean, answered: MessageEntity): string | null {
    if (hasRole(user.role, 'supervisor')) return null;
    if (dto.submitForApproval) return 'submitted for review by the agent';
    if (author.repliesNeedApproval) return 'the agent’s replies are reviewed';
    if (reviewComplaints && (answered.meta?.analysis as EmailAnalysis | null)?.intent === 'complaint') return 'answer to a complaint';
    return null;
  }

  private async notPending(id: string): Promise<EmailException> {
    const row = await this.outboundMails.findOneBy({ id });
    if (!row) return new EmailException(EmailExceptionCode.REPLY_NOT_FOUND, `reply ${id} not found`);
    return new EmailException(EmailExceptionCode.REPLY_NOT_PENDING, `reply ${id} is ${row.status}, not pending approval`);
  }
}

/** 1–200 visible ASCII characters (a UUID, a ULID, a client counter…). */
const CLIENT_KEY = /^[\x21-\x7e]{1,200}$/;

function checkedClientKey(key: string): string {
  if (!CLIENT_KEY.test(key)) throw new EmailException(EmailExceptionCode.IDEMPOTENCY_KEY_INVALID, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  return key;
}
