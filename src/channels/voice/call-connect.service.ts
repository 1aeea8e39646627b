import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { DirectoryService } from '../../routing/directory.service';
import { OffersService } from '../../routing/offers.service';
import { RoutingService } from '../../routing/routing.service';
import { TimerService } from '../../routing/timer.service';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { TaskEntity } from '../../tasks/task.entity';
import { TaskHistoryService } from '../../tasks/task-history.service';
import { toTaskView } from '../../tasks/task.view';
import { TasksService } from '../../tasks/tasks.service';
import { TelephonyEventEntity } from './telephony-event.entity';
import { TelephonyWebhookClient } from './telephony-webhook.client';

/** Timer kind: id = taskId; due when the telephony system should have confirmed the call (call.answered). */
export const CALL_CONNECT_TIMER = 'call-connect';

/**
 * After an agent accepts a call: tell the telephony system to connect it
 * (`call.assign`), and start a store-held timer (the queue's ring time). If no
 * `call.answered` comes before it fires, the call goes back to the head of its
 * lane and the agent is freed, so a lost webhook never strands a caller.
 */
@Injectable()
export class CallConnectService implements OnModuleInit {
  private readonly logger = new Logger(CallConnectService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectRepository(TelephonyEventEntity) private readonly events: Repository<TelephonyEventEntity>,
    private readonly offers: OffersService,
    private readonly routing: RoutingService,
    private readonly directory: DirectoryService,
    private readonly timers: TimerService,
    private readonly history: TaskHistoryService,
    private readonly emitter: SocketEmitter,
    private readonly webhook: TelephonyWebhookClient,
    private readonly tasksService: TasksService,
  ) {}

  onModuleInit(): void {
    this.offers.onAccepted((task, agentId) => this.accepted(task, agentId));
    this.timers.register(CALL_CONNECT_TIMER, (taskId) => this.connectTimedOut(taskId));
  }

  /** The call is connected (call.answered, or it ended): no re-queue. */
  async confirmed(taskId: string): Promise<void> {
    await this.timers.cancel(CALL_CONNECT_TIMER, taskId);
  }

  private async accepted(task: TaskEntity, agentId: string): Promise<void> {
    if (task.channel !== 'voice' || !task.externalId || task.attributes.source !== 'telephony') return;
    if (!this.webhook.configured) {
      this.logger.warn(`call ${task.externalId} accepted by ${agentId} but TELEPHONY_WEBHOOK_URL is not set: nobody connects it`);
      return;
    }
    if (await this.answered(task.externalId)) return;
    // The caller hung up while the agent was accepting: end the task rather than connect a call that is gone.
    if (await this.over(task.externalId)) {
      await this.tasksService.abandon(task.id, 'caller-hung-up');
      return;
    }
    const ringSeconds = this.directory.queue(task.queueId)?.offerTimeoutSeconds ?? 15;
    // Armed before the webhook goes out: a telephony system may confirm within the webhook's own request.
    await this.timers.schedule(CALL_CONNECT_TIMER, task.id, Date.now() + ringSeconds * 1000);
    const extension = this.directory.agent(agentId)?.extension ?? null;
    await this.webhook.send({ type: 'call.assign', callId: task.externalId, agentId, extension });
  }

  private async connectTimedOut(taskId: string): Promise<void> {
    const task = await this.tasks.findOneBy({ id: taskId });
    if (!task || task.status !== 'assigned' || !task.agentId || !task.externalId) return;
    if (await this.answered(task.externalId)) return;
    if (await this.over(task.externalId)) {
      await this.tasksService.abandon(task.id, 'caller-hung-up');
      return;
    }
    await this.requeueAtHead(task, task.agentId);
  }

  /** Frees the agent and puts the call back first in its lane (it has waited longest of all). */
  private async requeueAtHead(task: TaskEntity, agentId: string): Promise<void> {
    const queue = this.directory.queue(task.queueId);
    if (!queue) return;
    const lane = this.directory.generalLaneFor(queue, task.skills);
    await this.directory.ensureLane(lane);
    const [head] = (await this.store.laneHeads([lane.key], 1))[0] ?? [];
    const score = Math.min(task.score, head?.score ?? task.score) - 1;
    const result = await this.tasks.update(
      { id: task.id, status: 'assigned', agentId },
      { status: 'queued', agentId: null, assignedAt: null, score, preferredUntil: null },
    );
    if (!result.affected) return;
    await this.offers.revokeForTask(task.id, 'not-connected');
    this.logger.warn(`call ${task.externalId}: no call.answered in ${queue.offerTimeoutSeconds} s, back at the head of ${queue.name}`);
    await this.history.record(task, { type: 'requeued', agentId, data: { reason: 'not-connected' } });
    const requeued = await this.tasks.findOneByOrFail({ id: task.id });
    this.emitter.toAgent(agentId, 'task:updated', { task: toTaskView(requeued, queue.name) });
    await this.routing.enqueue(requeued);
    await this.routing.routeTask(task.id);
    await this.routing.routeAgent(agentId);
  }

  private async answered(callId: string): Promise<boolean> {
    return this.events.existsBy({ callId, type: 'call.answered' });
  }

  private async over(callId: string): Promise<boolean> {
    return this.events.existsBy({ callId, type: In(['call.abandoned', 'call.ended']) });
  }
}
