import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SocketEmitter } from '../gateway/socket-emitter';
import { DirectoryService } from '../routing/directory.service';
import { OffersService } from '../routing/offers.service';
import { RoutingService } from '../routing/routing.service';
import { TimerService } from '../routing/timer.service';
import { LiveAgent, STATE_STORE, StateStore } from '../state/state-store';
import { TaskEntity } from '../tasks/task.entity';
import { TaskHistoryService } from '../tasks/task-history.service';
import { toTaskView } from '../tasks/task.view';
import { PresenceNotifier } from './presence-notifier';
import { PresenceException, PresenceExceptionCode } from './presence.exception';
import { PresenceState } from './presence-state';

export interface PresenceActor {
  id: string;
  role: 'agent' | 'supervisor' | 'admin';
}

/** States an agent or supervisor may set; `wrapup` is entered by completing a task. */
const SETTABLE: readonly PresenceState[] = ['available', 'away', 'offline'];

/**
 * Presence: set by the agent or forced by a supervisor; wrap-up after a task
 * (ended by its timer or early by the agent going available); the disconnect
 * grace period (an agent whose sockets are all gone keeps its state for a
 * while, then goes offline and its pending offers go to others).
 */
@Injectable()
export class PresenceService implements OnModuleInit {
  private readonly logger = new Logger(PresenceService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly offers: OffersService,
    private readonly notifier: PresenceNotifier,
    private readonly history: TaskHistoryService,
    private readonly timers: TimerService,
    private readonly emitter: SocketEmitter,
  ) {}

  onModuleInit(): void {
    this.timers.register('wrapup-end', (agentId) => this.endWrapUp(agentId).then(() => undefined));
    this.timers.register('disconnect-grace', (agentId) => this.graceEnded(agentId));
  }

  async get(agentId: string): Promise<LiveAgent> {
    const live = await this.store.getAgent(agentId);
    if (!live) throw new PresenceException(PresenceExceptionCode.AGENT_NOT_FOUND, `Agent ${agentId} not found`);
    return live;
  }

  async setPresence(agentId: string, state: PresenceState, reason: string | null, actor: PresenceActor): Promise<LiveAgent> {
    if (actor.id !== agentId && actor.role === 'agent') {
      throw new PresenceException(PresenceExceptionCode.FORBIDDEN, 'Only a supervisor may set another agent’s presence');
    }
    if (!SETTABLE.includes(state)) {
      throw new PresenceException(PresenceExceptionCode.INVALID_STATE, `state must be one of ${SETTABLE.join(', ')}`);
    }
    if (!this.directory.agent(agentId)) throw new PresenceException(PresenceExceptionCode.AGENT_NOT_FOUND, `Agent ${agentId} not found`);
    const before = await this.get(agentId);
    if (before.state === 'wrapup' && state === 'available') return (await this.endWrapUp(agentId)) ?? (await this.get(agentId));
    const live = await this.store.setPresence(agentId, state, state === 'available' ? null : reason, Date.now());
    if (!live) throw new PresenceException(PresenceExceptionCode.AGENT_NOT_FOUND, `Agent ${agentId} not found`);
    if (before.state === 'wrapup') await this.finishWrapping(agentId);
    await this.notifier.persist(live);
    this.notifier.push(live);
    if (actor.id !== agentId) this.logger.log(`presence of ${agentId} forced to ${state} by ${actor.id}`);
    if (state === 'offline') await this.offers.requeuePendingOffers(agentId, 'agent-offline');
    if (state === 'available') await this.routing.routeAgent(agentId);
    return (await this.store.getAgent(agentId)) ?? live;
  }

  /** After completing a task: wrap-up for `seconds` (extends a wrap-up already running). */
  async startWrapUp(agentId: string, seconds: number): Promise<void> {
    const live = await this.store.getAgent(agentId);
    if (!live) return;
    if (seconds <= 0 || (live.state !== 'available' && live.state !== 'wrapup')) {
      this.notifier.push(live);
      if (live.state === 'available') await this.routing.routeAgent(agentId);
      return;
    }
    const updated = live.state === 'wrapup' ? live : await this.store.setPresence(agentId, 'wrapup', 'after-task', Date.now());
    await this.timers.schedule('wrapup-end', agentId, Date.now() + seconds * 1000);
    if (updated) {
      await this.notifier.persist(updated);
      this.notifier.push(updated);
    }
  }

  /** Wrap-up over (timer, or the agent went available early): back to available and to work. */
  async endWrapUp(agentId: string): Promise<LiveAgent | null> {
    const live = await this.store.setPresenceIf(agentId, 'wrapup', null, 'available', null, Date.now());
    await this.timers.cancel('wrapup-end', agentId);
    await this.finishWrapping(agentId);
    if (!live) return null;
    await this.notifier.persist(live);
    this.notifier.push(live);
    await this.routing.routeAgent(agentId);
    return (await this.store.getAgent(agentId)) ?? live;
  }

  /** The agent's capacity changed (PATCH /api/agents/:id): the agent and the supervisors see the new figures at once. */
  async capacityChanged(agentId: string): Promise<void> {
    await this.notifier.publish(agentId);
  }

  /** A socket of the agent connected: a pending grace period is over. */
  async connected(agentId: string): Promise<LiveAgent | null> {
    await this.timers.cancel('disconnect-grace', agentId);
    return this.store.getAgent(agentId);
  }

  /** A socket of the agent dropped: if none is left anywhere, start the grace period. */
  async disconnected(agentId: string): Promise<void> {
    if ((await this.emitter.agentSocketCount(agentId)) > 0) return;
    const live = await this.store.getAgent(agentId);
    if (!live || live.state === 'offline') return;
    await this.timers.schedule('disconnect-grace', agentId, Date.now() + this.config.disconnectGraceMs);
  }

  /** Recovery: every agent that was on the floor has `graceMs` to reconnect. */
  async startGrace(agentId: string): Promise<void> {
    await this.timers.schedule('disconnect-grace', agentId, Date.now() + this.config.disconnectGraceMs);
  }

  private async graceEnded(agentId: string): Promise<void> {
    if ((await this.emitter.agentSocketCount(agentId)) > 0) return;
    const live = await this.store.getAgent(agentId);
    if (!live || live.state === 'offline') return;
    this.logger.log(`agent ${agentId} did not reconnect within the grace period: offline`);
    await this.setPresence(agentId, 'offline', 'disconnected', { id: agentId, role: 'agent' });
  }

  /** Tasks in wrap-up with this agent are completed now. */
  private async finishWrapping(agentId: string): Promise<void> {
    const wrapping = await this.tasks.findBy({ agentId, status: 'wrapping' });
    const now = new Date();
    for (const task of wrapping) {
      const result = await this.tasks.update({ id: task.id, status: 'wrapping' }, { status: 'completed' });
      if (!result.affected) continue;
      await this.history.record(task, { type: 'wrapup_ended', agentId, at: now });
      const view = toTaskView({ ...task, status: 'completed' }, this.directory.queue(task.queueId)?.name ?? null);
      this.emitter.toAgent(agentId, 'task:updated', { task: view });
    }
  }
}
