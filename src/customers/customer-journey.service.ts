import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ConversationEntity } from '../conversations/conversation.entity';
import { MessageEntity } from '../conversations/message.entity';
import { DirectoryService } from '../routing/directory.service';
import { TaskHistoryService } from '../tasks/task-history.service';
import { TaskEntity } from '../tasks/task.entity';
import { TaskEventView } from '../tasks/task.view';
import { CustomerView, JOURNEY_PAGE_MAX, JourneyQueryDto } from './customer.dto';
import { CustomersService, toCustomerView } from './customers.service';

export interface JourneyTask {
  id: string;
  channel: string;
  queue: string | null;
  status: string;
  agentId: string | null;
  agentName: string | null;
  createdAt: string;
  assignedAt: string | null;
  completedAt: string | null;
  disposition: string | null;
  /** The agent's wrap-up notes. */
  notes: string | null;
  events: TaskEventView[];
}

export interface JourneyContact {
  conversationId: string;
  ref: string;
  channel: string;
  subject: string | null;
  status: string;
  startedAt: string;
  messageCount: number;
  /** The agents who held one of its tasks, in order. */
  handledBy: Array<{ agentId: string; name: string | null }>;
  /** Status of the latest task (`completed`, `abandoned`…), with its disposition and the agent's notes; null while nothing was queued. */
  outcome: { status: string; disposition: string | null; notes: string | null } | null;
  tasks: JourneyTask[];
}

export interface CustomerJourney {
  customer: CustomerView;
  /** Oldest first: the newest `limit` conversations (before `before`, when given). */
  contacts: JourneyContact[];
  /** Older conversations exist: pass this as `before` for the previous page; null when this page reaches the first contact. */
  nextBefore: string | null;
}

/**
 * A customer's whole history, every channel in one timeline: each
 * conversation (call, chat, email thread) with who handled it, how it ended
 * and the task event history. Reads a bounded number of rows per query
 * (one query per table, not per conversation).
 */
@Injectable()
export class CustomerJourneyService {
  constructor(
    private readonly customers: CustomersService,
    @InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly history: TaskHistoryService,
    private readonly directory: DirectoryService,
  ) {}

  /**
   * A page of the journey: the newest `limit` conversations (500 at most)
   * started before the `before` cursor, shown oldest first. A very active
   * customer's latest contacts are always on the first page; older ones are
   * one `nextBefore` away. The cursor is (created_at, id), so conversations
   * started in the same millisecond are neither skipped nor repeated.
   */
  async journey(customerId: string, page: JourneyQueryDto = {}): Promise<CustomerJourney> {
    const customer = await this.customers.entity(customerId);
    const limit = Math.min(page.limit ?? JOURNEY_PAGE_MAX, JOURNEY_PAGE_MAX);
    // Keyed on the millisecond the cursor can carry (Postgres keeps microseconds), so the order and the cursor agree.
    const key = `date_trunc('milliseconds', c.created_at)`;
    const query = this.conversations.createQueryBuilder('c').where('c.customer_id = :customerId', { customerId });
    if (page.before) {
      const [at, id] = page.before.split('_');
      query.andWhere(`(${key}, c.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))`, { at, id });
    }
    const newest = await query.orderBy(key, 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1).getMany();
    const more = newest.length > limit;
    const conversations = newest.slice(0, limit).reverse();
    const oldest = conversations[0];
    const nextBefore = more && oldest ? `${oldest.createdAt.toISOString()}_${oldest.id}` : null;
    const ids = conversations.map((conversation) => conversation.id);
    const [tasks, counts] = await Promise.all([
      ids.length ? this.tasks.find({ where: { conversationId: In(ids) }, order: { createdAt: 'ASC' } }) : Promise.resolve([]),
      this.messageCounts(ids),
    ]);
    const handling = await this.history.handling(tasks);
    const contacts = conversations.map((conversation): JourneyContact => {
      const own = tasks.filter((task) => task.conversationId === conversation.id);
      const journeyTasks = own.map((task): JourneyTask => ({
        id: task.id,
        channel: task.channel,
        queue: this.directory.queue(task.queueId)?.name ?? null,
        status: task.status,
        agentId: task.agentId,
        agentName: handling.agentName(task.agentId),
        createdAt: task.createdAt.toISOString(),
        assignedAt: task.assignedAt?.toISOString() ?? null,
        completedAt: task.completedAt?.toISOString() ?? null,
        disposition: task.disposition,
        notes: task.notes,
        events: handling.events(task.id),
      }));
      const handled = [...new Set(own.map((task) => task.agentId).filter((id): id is string => !!id))];
      const last = own[own.length - 1];
      return {
        conversationId: conversation.id,
        ref: conversation.ref,
        channel: conversation.channel,
        subject: conversation.subject,
        status: conversation.status,
        startedAt: conversation.createdAt.toISOString(),
        messageCount: counts.get(conversation.id) ?? 0,
        handledBy: handled.map((agentId) => ({ agentId, name: handling.agentName(agentId) })),
        outcome: last ? { status: last.status, disposition: last.disposition, notes: last.notes } : null,
        tasks: journeyTasks,
      };
    });
    return { customer: toCustomerView(customer), contacts, nextBefore };
  }

  private async messageCounts(conversationIds: string[]): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const rows: Array<{ conversationId: string; count: string }> = await this.messages
      .createQueryBuilder('m')
      .select('m.conversation_id', 'conversationId')
      .addSelect('count(*)', 'count')
      .where('m.conversation_id IN (:...ids)', { ids: conversationIds })
      .groupBy('m.conversation_id')
      .getRawMany();
    return new Map(rows.map((row) => [row.conversationId, Number(row.count)]));
  }
}
