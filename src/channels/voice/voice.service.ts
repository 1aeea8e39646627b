import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ConversationsService } from '../../conversations/conversations.service';
import { CustomerEntity } from '../../customers/customer.entity';
import { CustomersService } from '../../customers/customers.service';
import { DirectoryService } from '../../routing/directory.service';
import { MAX_PRIORITY } from '../../routing/virtual-deadline';
import { TaskEntity } from '../../tasks/task.entity';
import { TaskHistoryService } from '../../tasks/task-history.service';
import { TasksService } from '../../tasks/tasks.service';
import { CallConnectService } from './call-connect.service';
import { CallRoutesService } from './call-routes.service';
import { TelephonyEventDto, TelephonyEventResult } from './telephony-event.dto';
import { TelephonyEventEntity } from './telephony-event.entity';
import { VoiceException, VoiceExceptionCode } from './voice.exception';

/** Extra priority of a VIP caller when no call route says otherwise. */
export const DEFAULT_VIP_PRIORITY_BOOST = 20;
/** Events after which a call is over: a late call.offered creates nothing. */
const END_EVENTS = ['call.abandoned', 'call.ended'];

/**
 * Telephony events → voice tasks. Each (callId, type) is handled once: the
 * event is written to `telephony_events` first (primary key), a redelivery
 * finds it there and changes nothing. Events may come in any order: each one
 * acts on the task as it is now, and a call.offered that arrives after its
 * call ended creates no task.
 */
@Injectable()
export class VoiceService {
  private readonly logger = new Logger(VoiceService.name);

  constructor(
    @InjectRepository(TelephonyEventEntity) private readonly events: Repository<TelephonyEventEntity>,
    @InjectRepository(TaskEntity) private readonly taskRepo: Repository<TaskEntity>,
    private readonly tasks: TasksService,
    private readonly history: TaskHistoryService,
    private readonly customers: CustomersService,
    private readonly conversations: ConversationsService,
    private readonly routes: CallRoutesService,
    private readonly directory: DirectoryService,
    private readonly connect: CallConnectService,
  ) {}

  async handle(event: TelephonyEventDto): Promise<TelephonyEventResult> {
    const inserted = await this.events
      .createQueryBuilder()
      .insert()
      .values({ callId: event.callId, type: event.type, payload: { ...event }, receivedAt: new Date() })
      .orIgnore()
      .returning(['callId'])
      .execute();
    if (inserted.raw.length === 0) {
      const task = await this.callTask(event.callId);
      return { taskId: task?.id ?? null, duplicate: true };
    }
    try {
      const result = await this.apply(event);
      if (result.taskId) await this.events.update({ callId: event.callId, type: event.type }, { taskId: result.taskId });
      return result;
    } catch (error) {
      // Not handled: forget it, so the telephony system's retry is processed rather than taken for a duplicate.
      await this.events.delete({ callId: event.callId, type: event.type });
      throw error;
    }
  }

  private async apply(event: TelephonyEventDto): Promise<TelephonyEventResult> {
    switch (event.type) {
      case 'call.offered':
        return this.offered(event);
      case 'call.answered':
        return this.answered(event.callId);
      case 'call.abandoned':
        return this.abandoned(event.callId);
      case 'call.ended':
        return this.ended(event.callId);
    }
  }

  private async offered(event: TelephonyEventDto): Promise<TelephonyEventResult> {
    if (await this.isOver(event.callId)) return { taskId: null, ignored: 'call-already-ended' };
    const route = await this.routes.forNumber(event.to);
    const queueRef = event.queue ?? route?.queueId;
    if (!queueRef) throw new VoiceException(VoiceExceptionCode.NO_ROUTE, `no queue in the event and no call route for ${event.to ?? '(no number)'}`);
    const queue = this.directory.queueByIdOrName(queueRef);
    if (!queue) throw new VoiceException(VoiceExceptionCode.QUEUE_NOT_FOUND, `queue ${queueRef} not found`);
    if (queue.channel !== 'voice') throw new VoiceException(VoiceExceptionCode.NOT_A_VOICE_QUEUE, `queue ${queue.name} is not a voice queue`);

    const customer = event.from ? await this.customers.findOrCreateByPhone(event.from) : null;
    const priority = this.priority(event, route?.priority, customer, route?.vipPriorityBoost);
    const manager = customer?.accountManagerAgentId;
    const preferredAgentId = manager && this.directory.agent(manager) ? manager : undefined;
    const conversation = await this.conversations.open({
      customerId: customer?.id ?? null,
      channel: 'voice',
      subject: `Call from ${event.from ?? 'unknown number'}`,
    });
    const task = await this.tasks.create(
      {
        channel: 'voice',
        queue: queue.id,
        priority,
        skills: [...new Set([...(event.skills ?? []), ...(route?.skills ?? [])])],
        preferredAgentId,
        externalId: event.callId,
        attributes: {
          source: 'telephony',
          callId: event.callId,
          from: event.from ?? null,
          to: event.to ?? null,
          customerId: customer?.id ?? null,
          vip: customer?.vip ?? false,
          route: route?.number ?? null,
        },
      },
      { conversationId: conversation.id },
    );
    // An abandon handled while this task was being created found no task: apply it now.
    if (await this.isOver(event.callId)) await this.tasks.abandon(task.id, 'caller-hung-up');
    return { taskId: task.id };
  }

  private async answered(callId: string): Promise<TelephonyEventResult> {
    const task = await this.callTask(callId);
    if (!task) return { taskId: null, ignored: 'unknown-call' };
    await this.connect.confirmed(task.id);
    if (task.status === 'assigned') await this.history.record(task, { type: 'connected', agentId: task.agentId });
    return { taskId: task.id };
  }

  private async abandoned(callId: string): Promise<TelephonyEventResult> {
    const task = await this.callTask(callId);
    if (!task) return { taskId: null, ignored: 'unknown-call' };
    await this.connect.confirmed(task.id);
    // Connected already: the caller hanging up is the end of the call, not an abandon.
    const connected = await this.events.existsBy({ callId, type: 'call.answered' });
    if (connected) await this.tasks.endExternally(task.id, 'call-ended');
    else await this.tasks.abandon(task.id, 'caller-hung-up');
    return { taskId: task.id };
  }

  private async ended(callId: string): Promise<TelephonyEventResult> {
    const task = await this.callTask(callId);
    if (!task) return { taskId: null, ignored: 'unknown-call' };
    await this.connect.confirmed(task.id);
    await this.tasks.endExternally(task.id, 'call-ended');
    return { taskId: task.id };
  }

  /** Payload priority, else the route's; VIP callers get the route's boost (default 20). */
  private priority(event: TelephonyEventDto, routePriority: number | undefined, customer: CustomerEntity | null, boost: number | undefined): number {
    const base = event.priority ?? routePriority ?? 0;
    const vip = customer?.vip ? (boost ?? DEFAULT_VIP_PRIORITY_BOOST) : 0;
    return Math.min(MAX_PRIORITY, base + vip);
  }

  private async isOver(callId: string): Promise<boolean> {
    return this.events.existsBy({ callId, type: In(END_EVENTS) });
  }

  private callTask(callId: string): Promise<TaskEntity | null> {
    return this.taskRepo.findOneBy({ externalId: callId });
  }
}
