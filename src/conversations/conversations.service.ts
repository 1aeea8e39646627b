import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { toCustomerView } from '../customers/customers.service';
import { DirectoryService } from '../routing/directory.service';
import { Channel } from '../tasks/channel';
import { TaskHistoryService } from '../tasks/task-history.service';
import { TaskEntity } from '../tasks/task.entity';
import { toTaskView } from '../tasks/task.view';
import { ConversationEntity } from './conversation.entity';
import { ConversationException, ConversationExceptionCode } from './conversation.exception';
import { ConversationView, MessageView, toMessageView } from './conversation.view';
import { MessageEntity, MessageDirection } from './message.entity';
import { generateRef } from './ref-token';

const REF_ATTEMPTS = 5;

export interface NewMessage {
  direction: MessageDirection;
  from?: string | null;
  to?: string | null;
  subject?: string | null;
  text?: string | null;
  html?: string | null;
  messageId?: string | null;
  inReplyTo?: string | null;
  authorAgentId?: string | null;
  at?: Date;
}

/** Conversations and their messages, for every channel (calls, chats, email threads). */
@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    @InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(CustomerEntity) private readonly customers: Repository<CustomerEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
    private readonly history: TaskHistoryService,
  ) {}

  /**
   * Opens a conversation with a fresh reference token; with `manager`, inside
   * the caller's transaction (email ingestion writes it with its first
   * message, so a crash never leaves an empty conversation). A reference
   * collision inserts nothing (ON CONFLICT DO NOTHING) rather than failing,
   * which would abort that transaction, and another reference is drawn.
   */
  async open(input: { customerId: string | null; channel: Channel; subject?: string | null }, manager: EntityManager = this.conversations.manager): Promise<ConversationEntity> {
    for (let attempt = 1; ; attempt++) {
      const conversation = manager.create(ConversationEntity, { ref: generateRef(), customerId: input.customerId, channel: input.channel, subject: input.subject ?? null });
      // The entity receives the generated columns (id, status, timestamps) from RETURNING.
      const inserted = await manager.createQueryBuilder().insert().into(ConversationEntity).values(conversation).orIgnore().execute();
      if ((inserted.raw as unknown[]).length > 0) return conversation;
      if (attempt >= REF_ATTEMPTS) throw new ConversationException(ConversationExceptionCode.REF_EXHAUSTED, `no free conversation reference after ${REF_ATTEMPTS} draws`);
      this.logger.warn(`reference collision, drawing another (attempt ${attempt})`);
    }
  }

  async addMessage(conversationId: string, input: NewMessage): Promise<MessageEntity> {
    const conversation = await this.entity(conversationId);
    return this.messages.save(
      this.messages.create({
        conversationId,
        channel: conversation.channel,
        direction: input.direction,
        from: input.from ?? null,
        to: input.to ?? null,
        subject: input.subject ?? null,
        text: input.text ?? null,
        html: input.html ?? null,
        messageId: input.messageId ?? null,
        inReplyTo: input.inReplyTo ?? null,
        authorAgentId: input.authorAgentId ?? null,
        at: input.at ?? new Date(),
      }),
    );
  }

  async transcript(conversationId: string): Promise<MessageView[]> {
    const rows = await this.messages.find({ where: { conversationId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map(toMessageView);
  }

  async setOwner(conversationId: string, agentId: string): Promise<void> {
    await this.conversations.update({ id: conversationId }, { ownerAgentId: agentId });
  }

  async close(conversationId: string): Promise<void> {
    await this.conversations.update({ id: conversationId }, { status: 'closed' });
  }

  async entity(id: string): Promise<ConversationEntity> {
    const conversation = await this.conversations.findOneBy({ id });
    if (!conversation) throw new ConversationException(ConversationExceptionCode.NOT_FOUND, `conversation ${id} not found`);
    return conversation;
  }

  /** Adds the attachment list (metadata only) to email messages that have attachments. */
  private async attachAttachments(messages: MessageView[]): Promise<void> {
    const ids = messages.filter((message) => message.channel === 'email').map((message) => message.id);
    if (ids.length === 0) return;
    const rows: Array<{ id: string; message_id: string; filename: string; content_type: string; size: number }> = await this.messages.query(
      `SELECT id, message_id, filename, content_type, size FROM email_attachments WHERE message_id = ANY($1) ORDER BY created_at, id`,
      [ids],
    );
    for (const message of messages) {
      const own = rows.filter((row) => row.message_id === message.id);
      if (own.length) message.attachments = own.map((row) => ({ id: row.id, filename: row.filename, contentType: row.content_type, size: row.size }));
    }
  }

  /** `GET /api/conversations/:id`: the conversation with its customer, every message and every task with who handled it and when. */
  async view(id: string): Promise<ConversationView> {
    const conversation = await this.entity(id);
    const [customer, messages, tasks] = await Promise.all([
      conversation.customerId ? this.customers.findOneBy({ id: conversation.customerId }) : Promise.resolve(null),
      this.transcript(id),
      this.tasks.find({ where: { conversationId: id }, order: { createdAt: 'ASC' } }),
    ]);
    const [handling] = await Promise.all([this.history.handling(tasks), this.attachAttachments(messages)]);
    return {
      id: conversation.id,
      ref: conversation.ref,
      channel: conversation.channel,
      subject: conversation.subject,
      status: conversation.status,
      ownerAgentId: conversation.ownerAgentId,
      createdAt: conversation.createdAt.toISOString(),
      customer: customer ? toCustomerView(customer) : null,
      messages,
      tasks: tasks.map((task) => ({
        ...toTaskView(task, this.directory.queue(task.queueId)?.name ?? null),
        agentName: handling.agentName(task.agentId),
        events: handling.events(task.id),
      })),
    };
  }
}
