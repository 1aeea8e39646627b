import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { AuthUser } from '../../auth/auth-user';
import { ConversationsService } from '../../conversations/conversations.service';
import { CustomersService } from '../../customers/customers.service';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { ChatLine, TaskView } from '../../gateway/socket-events';
import { DirectoryService, QueueProfile } from '../../routing/directory.service';
import { OffersService } from '../../routing/offers.service';
import { CreatedSurvey, SurveysService } from '../../surveys/surveys.service';
import { TaskEntity } from '../../tasks/task.entity';
import { TaskChange, TasksService } from '../../tasks/tasks.service';
import { ChatEmitter } from './chat-emitter';
import { BOT_FROM, toChatLine } from './chat-line';
import { ChatQueuePositionService } from './chat-queue-position.service';
import { ChatSessionCreated, ChatSendPayload, CreateChatSessionDto } from './chat.dto';
import { ChatException, ChatExceptionCode } from './chat.exception';
import { ChatSessionEntity } from './chat-session.entity';
import { FaqService } from './faq.service';
import { asksForPerson } from './faq-matcher';

export const TALK_TO_PERSON = 'talk-to-person';

const HANDOFF_TEXT: Record<string, string> = {
  en: 'Let me find you an agent. You will be answered shortly.',
  fr: 'Je vous mets en relation avec un conseiller. Il vous répondra rapidement.',
};

/**
 * Web chat sessions: opened by a public request (a token proves ownership),
 * self-service first (each visitor message while in `bot` is matched against
 * the FAQ; a confident match is answered at once with a "talk to a person"
 * option), then queued as a chat task on request or when the FAQ has no
 * answer. Once an agent accepts, messages flow between the /chat socket and
 * the agent's /agent socket. Every line is a message of the chat's
 * conversation: the transcript the agent sees and the journey shows.
 */
@Injectable()
export class ChatSessionsService implements OnModuleInit {
  private readonly logger = new Logger(ChatSessionsService.name);

  constructor(
    @InjectRepository(ChatSessionEntity) private readonly sessions: Repository<ChatSessionEntity>,
    @InjectRepository(TaskEntity) private readonly taskRepo: Repository<TaskEntity>,
    private readonly tasks: TasksService,
    private readonly offers: OffersService,
    private readonly customers: CustomersService,
    private readonly conversations: ConversationsService,
    private readonly faq: FaqService,
    private readonly directory: DirectoryService,
    private readonly positions: ChatQueuePositionService,
    private readonly visitors: ChatEmitter,
    private readonly agents: SocketEmitter,
    private readonly surveys: SurveysService,
  ) {}

  onModuleInit(): void {
    this.offers.onAccepted((task, agentId) => this.accepted(task, agentId));
    this.tasks.onChanged((task, change) => this.taskChanged(task, change));
    this.surveys.onCreated((survey) => this.surveyCreated(survey));
    this.agents.onAgentResume((agentId, openTasks) => this.resumeAgent(agentId, openTasks));
  }

  async open(dto: CreateChatSessionDto): Promise<ChatSessionCreated> {
    const queue = this.chatQueue(dto.queue);
    const customer = dto.email ? await this.customers.findOrCreateByEmail(dto.email, dto.name ?? null) : await this.customers.createAnonymous(dto.name ?? null);
    const conversation = await this.conversations.open({ customerId: customer.id, channel: 'chat', subject: dto.subject ?? 'Web chat' });
    const token = randomBytes(32).toString('base64url');
    const session = await this.sessions.save(
      this.sessions.create({
        conversationId: conversation.id,
        customerId: customer.id,
        queueId: queue.id,
        tokenHash: hashToken(token),
        status: 'bot',
        language: dto.language ?? 'en',
      }),
    );
    return { sessionId: session.id, token, conversationId: conversation.id, ref: conversation.ref };
  }

  /** The session a visitor's token opens, or null. */
  async authenticate(token: unknown): Promise<ChatSessionEntity | null> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    return this.sessions.findOneBy({ tokenHash: hashToken(token) });
  }

  async get(sessionId: string): Promise<ChatSessionEntity> {
    return this.sessions.findOneByOrFail({ id: sessionId });
  }

  async transcript(session: ChatSessionEntity): Promise<ChatLine[]> {
    return (await this.conversations.transcript(session.conversationId)).map((message) => ({
      id: message.id,
      author: message.direction === 'in' ? 'visitor' : message.authorAgentId ? 'agent' : 'bot',
      name: message.direction === 'out' && message.authorAgentId ? message.from : null,
      text: message.text ?? '',
      at: message.at,
    }));
  }

  async conversationRef(session: ChatSessionEntity): Promise<string> {
    return (await this.conversations.entity(session.conversationId)).ref;
  }

  /** A visitor connected (first time or again): bring its screen up to date. */
  async visitorConnected(session: ChatSessionEntity): Promise<void> {
    if (session.status === 'queued') this.positions.refresh(session.queueId);
  }

  /** A line from the visitor. */
  async visitorMessage(sessionId: string, text: string): Promise<{ message: ChatLine; status: string }> {
    const session = await this.get(sessionId);
    if (session.status === 'closed') throw new ChatException(ChatExceptionCode.SESSION_CLOSED, 'This chat is closed');
    const message = toChatLine(await this.conversations.addMessage(session.conversationId, { direction: 'in', from: 'visitor', text }));
    if (session.status === 'assigned' && session.agentId && session.taskId) {
      this.agents.toAgent(session.agentId, 'chat:message', { taskId: session.taskId, conversationId: session.conversationId, message });
      return { message, status: session.status };
    }
    if (session.status === 'bot') return { message, status: await this.selfService(session, text) };
    return { message, status: session.status };
  }

  /** "Talk to a person": queue the chat (idempotent). */
  async handoff(sessionId: string, reason: string): Promise<string> {
    const session = await this.get(sessionId);
    if (session.status === 'closed') throw new ChatException(ChatExceptionCode.SESSION_CLOSED, 'This chat is closed');
    if (session.status !== 'bot') return session.status;
    const claimed = await this.sessions.update({ id: sessionId, status: 'bot' }, { status: 'queued' });
    if (!claimed.affected) return (await this.get(sessionId)).status;
    const note = await this.conversations.addMessage(session.conversationId, {
      direction: 'out',
      from: BOT_FROM,
      text: HANDOFF_TEXT[session.language] ?? HANDOFF_TEXT.en,
    });
    this.visitors.toVisitor(sessionId, 'message', toChatLine(note));
    const task = await this.tasks.create(
      {
        channel: 'chat',
        queue: session.queueId,
        externalId: `chat:${sessionId}`,
        attributes: { source: 'chat', sessionId, customerId: session.customerId, handoffReason: reason, language: session.language },
      },
      { conversationId: session.conversationId },
    );
    await this.sessions.update({ id: sessionId, taskId: IsNull() }, { taskId: task.id });
    return (await this.get(sessionId)).status;
  }

  /** The visitor leaves: a waiting chat is abandoned, an agent holding it is told. */
  async close(sessionId: string): Promise<string> {
    const session = await this.get(sessionId);
    if (session.status === 'closed') return 'closed';
    await this.sessions.update({ id: sessionId }, { status: 'closed' });
    await this.conversations.close(session.conversationId);
    const task = await this.openTask(sessionId);
    if (task && (task.status === 'queued' || task.status === 'offered')) await this.tasks.abandon(task.id, 'visitor-left');
    if (task && task.status === 'assigned' && task.agentId) {
      this.agents.toAgent(task.agentId, 'chat:closed', { taskId: task.id, conversationId: session.conversationId, reason: 'visitor-left' });
    }
    return 'closed';
  }

  /** A line from the agent holding the chat. */
  async agentMessage(user: AuthUser, dto: ChatSendPayload): Promise<ChatLine> {
    if (!dto.taskId === !dto.conversationId) throw new ChatException(ChatExceptionCode.BAD_TARGET, 'give exactly one of taskId or conversationId');
    const task = dto.taskId
      ? await this.taskRepo.findOneBy({ id: dto.taskId })
      : await this.taskRepo.findOneBy({ conversationId: dto.conversationId, channel: 'chat', agentId: user.id, status: 'assigned' });
    if (!task || task.channel !== 'chat' || !task.conversationId) throw new ChatException(ChatExceptionCode.TASK_NOT_FOUND, 'no such chat');
    if (task.agentId !== user.id || task.status !== 'assigned') throw new ChatException(ChatExceptionCode.NOT_YOURS, 'This chat is not assigned to you');
    const session = await this.sessions.findOneBy({ conversationId: task.conversationId });
    if (!session || session.status === 'closed') throw new ChatException(ChatExceptionCode.SESSION_CLOSED, 'The visitor has left this chat');
    const saved = await this.conversations.addMessage(task.conversationId, {
      direction: 'out',
      from: this.directory.agent(user.id)?.name ?? user.name,
      authorAgentId: user.id,
      text: dto.text,
    });
    const line = toChatLine(saved);
    this.visitors.toVisitor(session.id, 'message', line);
    return line;
  }

  /** Self-service: a confident FAQ match is answered by the bot; anything else goes to a person. */
  private async selfService(session: ChatSessionEntity, text: string): Promise<string> {
    if (asksForPerson(text)) return this.handoff(session.id, 'asked-for-person');
    const match = await this.faq.match(text, session.language);
    if (!match?.confident) return this.handoff(session.id, 'no-faq-match');
    const answer = await this.conversations.addMessage(session.conversationId, { direction: 'out', from: BOT_FROM, text: match.entry.answer });
    this.visitors.toVisitor(session.id, 'message', toChatLine(answer, [TALK_TO_PERSON]));
    return session.status;
  }

  private async accepted(task: TaskEntity, agentId: string): Promise<void> {
    const sessionId = task.attributes.sessionId;
    if (task.channel !== 'chat' || typeof sessionId !== 'string' || !task.conversationId) return;
    await this.sessions.update({ id: sessionId, status: In(['queued', 'assigned']) }, { status: 'assigned', agentId, taskId: task.id });
    await this.conversations.setOwner(task.conversationId, agentId);
    this.visitors.toVisitor(sessionId, 'assigned', { agentName: this.directory.agent(agentId)?.name ?? null });
    const session = await this.get(sessionId);
    this.agents.toAgent(agentId, 'chat:transcript', { taskId: task.id, conversationId: task.conversationId, messages: await this.transcript(session) });
    this.positions.refresh(task.queueId);
  }

  /**
   * An agent's socket came back: the transcript of every chat it holds goes
   * out again, so lines the visitor sent while the socket was down are not
   * lost on its screen, and a visitor who left meanwhile is said so.
   */
  private async resumeAgent(agentId: string, openTasks: TaskView[]): Promise<void> {
    for (const task of openTasks) {
      const sessionId = task.attributes.sessionId;
      if (task.channel !== 'chat' || typeof sessionId !== 'string' || !task.conversationId) continue;
      const session = await this.sessions.findOneBy({ id: sessionId });
      if (!session) continue;
      this.agents.toAgent(agentId, 'chat:transcript', { taskId: task.id, conversationId: task.conversationId, messages: await this.transcript(session) });
      if (session.status === 'closed') this.agents.toAgent(agentId, 'chat:closed', { taskId: task.id, conversationId: task.conversationId, reason: 'visitor-left' });
    }
  }

  private async taskChanged(task: TaskEntity, change: TaskChange): Promise<void> {
    if (task.channel !== 'chat') return;
    this.positions.refresh(task.queueId);
    const sessionId = task.attributes.sessionId;
    if (typeof sessionId !== 'string' || change === 'created') return;
    if (change === 'transferred') {
      // A new task carries the chat on (same sessionId attribute): wait for its agent.
      await this.sessions.update({ id: sessionId, status: 'assigned' }, { status: 'queued', agentId: null });
      return;
    }
    // Completed by the agent, canceled by a supervisor, abandoned: the chat is over for the visitor.
    const ended = await this.sessions.update({ id: sessionId, status: In(['queued', 'assigned']) }, { status: 'closed' });
    if (!ended.affected) return;
    if (task.conversationId) await this.conversations.close(task.conversationId);
    this.visitors.toVisitor(sessionId, 'closed', { reason: change });
  }

  /**
   * The survey of a completed chat: its link is pushed to the visitor on /chat
   * (`survey {link}`). The survey is created just after the completion, so the
   * visitor usually has `closed` first; its socket stays connected for this.
   */
  private async surveyCreated(survey: CreatedSurvey): Promise<void> {
    if (survey.channel !== 'chat' || !survey.conversationId) return;
    const session = await this.sessions.findOneBy({ conversationId: survey.conversationId });
    if (!session) return;
    this.visitors.toVisitor(session.id, 'survey', { link: survey.link });
  }

  /** The chat's task that is still open (a transfer makes a new one). */
  private openTask(sessionId: string): Promise<TaskEntity | null> {
    return this.taskRepo
      .createQueryBuilder('task')
      .where(`task.attributes->>'sessionId' = :sessionId`, { sessionId })
      .andWhere('task.status IN (:...open)', { open: ['queued', 'offered', 'assigned'] })
      .orderBy('task.created_at', 'DESC')
      .getOne();
  }

  private chatQueue(idOrName: string | undefined): QueueProfile {
    const queue = idOrName
      ? this.directory.queueByIdOrName(idOrName)
      : this.directory
          .allQueues()
          .filter((candidate) => candidate.channel === 'chat')
          .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (!queue || queue.channel !== 'chat') throw new ChatException(ChatExceptionCode.QUEUE_NOT_FOUND, `no chat queue ${idOrName ?? ''}`.trim());
    return queue;
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
