import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { SocketEmitter } from '../gateway/socket-emitter';
import { PresenceService } from '../presence/presence.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { zeroCounts } from '../tasks/channel';
import { TaskEntity } from '../tasks/task.entity';
import { TaskHistoryService } from '../tasks/task-history.service';
import { DirectoryService } from './directory.service';
import { OfferEntity } from './offer.entity';
import { RoutingService } from './routing.service';
import { TimerService } from './timer.service';

const LEASE = 'recovery';
const LEASE_TTL_MS = 120_000;

export interface RecoveryReport {
  rebuilt: boolean;
  queued: number;
  requeuedOffers: number;
  restoredAssignments: number;
}

/**
 * Start-up recovery. Postgres holds the truth; the state store holds the live
 * state. When the store is fresh (first start, in-process store after a
 * restart, Redis data lost) the live state is rebuilt from Postgres: presence,
 * queued tasks in their lanes with their original scores (so the same order),
 * assigned tasks back on their agents' load, offers that were ringing when the
 * state was lost put back in the queue. When the store survived (an app node
 * restarted), only what the two disagree on is reconciled. One node at a time
 * (a lease), then every free agent looks for work.
 */
@Injectable()
export class RecoveryService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(RecoveryService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectRepository(OfferEntity) private readonly offers: Repository<OfferEntity>,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly presence: PresenceService,
    private readonly history: TaskHistoryService,
    private readonly timers: TimerService,
    private readonly emitter: SocketEmitter,
  ) {}

  onModuleInit(): void {
    this.store.onReconnected(() => void this.afterReconnect());
  }

  async onApplicationBootstrap(): Promise<void> {
    this.log(await this.recover());
  }

  /** The store came back: if its data was lost (Redis restarted empty), rebuild it now. */
  private async afterReconnect(): Promise<void> {
    try {
      if (await this.store.isFresh()) this.log(await this.recover());
    } catch (error) {
      this.logger.error(`recovery after reconnect failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  private log(report: RecoveryReport): void {
    this.logger.log(
      `${report.rebuilt ? 'rebuilt live state from Postgres' : 'live state reconciled'}: ` +
        `${report.queued} queued, ${report.restoredAssignments} assignments restored, ${report.requeuedOffers} offers re-queued`,
    );
  }

  async recover(): Promise<RecoveryReport> {
    const owner = randomUUID();
    // Another node may be rebuilding the same store: wait for it, then reconcile.
    while (!(await this.store.acquireLease(LEASE, owner, LEASE_TTL_MS))) await sleep(200);
    let report: RecoveryReport;
    try {
      const fresh = await this.store.isFresh();
      await this.directory.reloadAll();
      report = fresh ? await this.rebuild() : await this.reconcile();
      await this.store.markInitialized();
    } finally {
      await this.store.releaseLease(LEASE, owner);
    }
    await this.routing.rematchAll();
    return report;
  }

  private async rebuild(): Promise<RecoveryReport> {
    const now = Date.now();
    for (const agent of await this.agents.find()) {
      const since = agent.presenceSince.getTime();
      await this.store.restoreAgent({
        agentId: agent.id,
        state: agent.presenceState,
        reason: agent.presenceReason,
        since,
        idleSince: since,
        capacity: agent.capacity,
        load: zeroCounts(),
      });
      if (agent.presenceState === 'wrapup') await this.timers.schedule('wrapup-end', agent.id, now);
      // Its sockets have to find us again; if they do not, the agent goes offline.
      if (agent.presenceState !== 'offline') await this.presence.startGrace(agent.id);
    }
    const report: RecoveryReport = { rebuilt: true, queued: 0, requeuedOffers: 0, restoredAssignments: 0 };
    const open = await this.tasks.find({ where: { status: In(['queued', 'offered', 'assigned']) }, order: { score: 'ASC' } });
    for (const task of open) {
      if (task.status === 'assigned') {
        await this.restoreAssignment(task);
        report.restoredAssignments += 1;
      } else if (task.status === 'offered') {
        await this.requeueLostOffer(task);
        report.requeuedOffers += 1;
      } else {
        await this.routing.enqueue(task);
        report.queued += 1;
      }
    }
    return report;
  }

  private async reconcile(): Promise<RecoveryReport> {
    const report: RecoveryReport = { rebuilt: false, queued: 0, requeuedOffers: 0, restoredAssignments: 0 };
    // Agents whose node went away (restart, crash) get the grace period to reconnect;
    // the grace check counts sockets on every node, so agents connected elsewhere are untouched.
    for (const live of await this.store.listAgents()) {
      if (live.state !== 'offline') await this.presence.startGrace(live.agentId);
    }
    const open = await this.tasks.find({ where: { status: In(['queued', 'offered']) } });
    for (const task of open) {
      if (await this.store.findQueued(task.id)) continue;
      const live = await this.store.taskOffer(task.id);
      if (live?.status === 'accepted') {
        await this.tasks.update({ id: task.id }, { status: 'assigned', agentId: live.agentId });
      } else if (live) {
        continue; // still ringing; its expiry timer is in the store
      } else if (task.status === 'offered') {
        await this.requeueLostOffer(task);
        report.requeuedOffers += 1;
      } else {
        await this.routing.enqueue(task);
        report.queued += 1;
      }
    }
    return report;
  }

  private async restoreAssignment(task: TaskEntity): Promise<void> {
    if (!task.agentId) return;
    const record = await this.offers.findOne({ where: { taskId: task.id, outcome: 'accepted' }, order: { createdAt: 'DESC' } });
    await this.store.restoreOffer({
      offerId: record?.id ?? randomUUID(),
      taskId: task.id,
      agentId: task.agentId,
      channel: task.channel,
      laneKey: '',
      score: task.score,
      createdAt: record?.createdAt.getTime() ?? Date.now(),
      expiresAt: record?.expiresAt.getTime() ?? Date.now(),
      status: 'accepted',
    });
  }

  /** The offer rang while the live state was lost: nobody can answer it any more, back in the queue. */
  private async requeueLostOffer(task: TaskEntity): Promise<void> {
    const lost = await this.offers.findBy({ taskId: task.id, outcome: 'pending' });
    for (const offer of lost) this.emitter.toAgent(offer.agentId, 'offer:revoked', { offerId: offer.id, reason: 'recovery' });
    await this.tasks.update({ id: task.id, status: 'offered' }, { status: 'queued', agentId: null });
    await this.offers.update({ taskId: task.id, outcome: 'pending' }, { outcome: 'revoked', reason: 'recovery', endedAt: new Date() });
    await this.history.record(task, { type: 'requeued', agentId: task.agentId, data: { reason: 'recovery' } });
    await this.routing.enqueue(task);
  }
}
