import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SocketEmitter } from '../gateway/socket-emitter';
import { SupervisorFeed } from '../gateway/supervisor-feed';
import { TaskView } from '../gateway/socket-events';
import { LiveOffer, STATE_STORE, StateStore } from '../state/state-store';
import { TaskEntity } from '../tasks/task.entity';
import { TaskLifecycleRepository } from '../tasks/task-lifecycle.repository';
import { toTaskView } from '../tasks/task.view';
import { DirectoryService } from './directory.service';
import { OfferEntity, OfferOutcome } from './offer.entity';
import { RoutingException, RoutingExceptionCode } from './routing.exception';
import { RoutingService } from './routing.service';
import { TimerService } from './timer.service';
import { PresenceNotifier } from '../presence/presence-notifier';

/** Listeners told when an agent accepts (the voice channel tells the PBX where to connect the call). */
export type OfferAcceptedListener = (task: TaskEntity, agentId: string) => void | Promise<void>;

/**
 * The end of every offer: accept (→ assigned), reject (→ re-queued, not
 * re-offered to that agent during the cooldown), expiry (→ re-queued and the
 * agent set away/no-answer: RONA), revoke (task canceled, abandoned,
 * transferred or completed). The store decides atomically; this service
 * records the outcome in Postgres, tells the sockets and re-routes.
 */
@Injectable()
export class OffersService implements OnModuleInit {
  private readonly logger = new Logger(OffersService.name);
  private readonly acceptedListeners: OfferAcceptedListener[] = [];

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(OfferEntity) private readonly offers: Repository<OfferEntity>,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly lifecycle: TaskLifecycleRepository,
    private readonly emitter: SocketEmitter,
    private readonly timers: TimerService,
    private readonly presence: PresenceNotifier,
    private readonly feed: SupervisorFeed,
  ) {}

  onModuleInit(): void {
    this.timers.register('offer-expiry', (offerId) => this.expire(offerId));
  }

  onAccepted(listener: OfferAcceptedListener): void {
    this.acceptedListeners.push(listener);
  }

  async accept(agentId: string, offerId: string): Promise<TaskView> {
    const offer = await this.store.acceptOffer(offerId, agentId, Date.now());
    if (!offer) throw new RoutingException(RoutingExceptionCode.OFFER_NOT_FOUND, 'This offer is no longer open (expired, revoked or not yours)');
    // One statement: task assigned, offer record closed, `assigned` event; the row comes back with it.
    const task = await this.lifecycle.assigned(offer.taskId, offer.offerId, agentId, new Date());
    if (!task) throw new Error(`task ${offer.taskId} of the accepted offer ${offerId} does not exist`);
    const view = this.view(task);
    this.emitter.toAgent(agentId, 'task:assigned', { task: view });
    for (const listener of this.acceptedListeners) {
      Promise.resolve(listener(task, agentId)).catch((error) => this.logger.error(`accept listener failed: ${String(error)}`));
    }
    return view;
  }

  async reject(agentId: string, offerId: string, reason: string | null): Promise<void> {
    const offer = await this.store.rejectOffer(offerId, agentId, this.config.rejectCooldownMs, Date.now());
    if (!offer) throw new RoutingException(RoutingExceptionCode.OFFER_NOT_FOUND, 'This offer is no longer open (expired, revoked or not yours)');
    await this.backToQueue(offer, 'rejected', reason ?? 'rejected', 'offer_rejected');
    await this.presence.publish(agentId);
    await Promise.all([this.routing.routeTask(offer.taskId), this.routing.routeAgent(agentId)]);
  }

  /** Ring-out: the agent did not answer in time (runs from the offer-expiry timer). */
  async expire(offerId: string): Promise<void> {
    const offer = await this.store.expireOffer(offerId, Date.now());
    if (!offer) return;
    this.emitter.toAgent(offer.agentId, 'offer:revoked', { offerId, reason: 'expired' });
    await this.backToQueue(offer, 'expired', 'no-answer', 'offer_expired');
    await this.presence.publish(offer.agentId, true);
    await this.routing.routeTask(offer.taskId);
  }

  /**
   * Gives a task's offer back without re-queueing (canceled, abandoned,
   * transferred, completed). Returns the offer that was dropped, if any.
   * `quiet`: the caller pushes the agent's presence itself right after.
   */
  async revokeForTask(taskId: string, reason: string, options: { quiet?: boolean } = {}): Promise<LiveOffer | null> {
    const offer = await this.store.revokeTaskOffer(taskId, Date.now());
    if (!offer) return null;
    if (offer.status === 'pending') {
      this.emitter.toAgent(offer.agentId, 'offer:revoked', { offerId: offer.offerId, reason });
      await this.endOfferRecord(offer.offerId, 'revoked', reason, new Date());
    }
    if (!options.quiet) await this.presence.publish(offer.agentId);
    return offer;
  }

  /** The agent left (offline, or its sockets are gone): its pending offers go to others. */
  async requeuePendingOffers(agentId: string, reason: string): Promise<number> {
    const pending = (await this.store.agentOffers(agentId)).filter((offer) => offer.status === 'pending');
    let count = 0;
    for (const live of pending) {
      const offer = await this.store.rejectOffer(live.offerId, agentId, 0, Date.now());
      if (!offer) continue;
      count += 1;
      this.emitter.toAgent(agentId, 'offer:revoked', { offerId: offer.offerId, reason });
      await this.backToQueue(offer, 'revoked', reason, 'requeued');
      await this.routing.routeTask(offer.taskId);
    }
    return count;
  }

  private async backToQueue(
    offer: LiveOffer,
    outcome: OfferOutcome,
    reason: string,
    event: 'offer_rejected' | 'offer_expired' | 'requeued',
  ): Promise<void> {
    // One statement: task queued again, offer record closed, the event.
    const task = await this.lifecycle.requeued(offer, outcome, reason, event, new Date());
    if (task) this.feed.queueChanged(task.queueId);
  }

  private async endOfferRecord(offerId: string, outcome: OfferOutcome, reason: string | null, at: Date): Promise<void> {
    await this.offers.update({ id: offerId, outcome: 'pending' }, { outcome, reason, endedAt: at });
  }

  private view(task: TaskEntity): TaskView {
    return toTaskView(task, this.directory.queue(task.queueId)?.name ?? null);
  }
}
