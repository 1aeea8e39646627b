import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BlendingService } from '../blending/blending.service';
import { SocketEmitter } from '../gateway/socket-emitter';
import { SupervisorFeed } from '../gateway/supervisor-feed';
import { PresenceNotifier } from '../presence/presence-notifier';
import { LaneInfo, LaneRef, LiveOffer, STATE_STORE, StateStore } from '../state/state-store';
import { CHANNELS } from '../tasks/channel';
import { TaskEntity } from '../tasks/task.entity';
import { TaskHistoryService } from '../tasks/task-history.service';
import { toTaskView } from '../tasks/task.view';
import { OfferEntity } from './offer.entity';
import { DirectoryService } from './directory.service';
import { hasSkills, isPersonalLane, proficiency } from './lanes';
import { TimerService } from './timer.service';

/** Free agents read per page when a task looks for an agent (longest idle first). */
const FREE_AGENT_PAGE = 500;
/** Ranked candidates whose live state is read per claim attempt. */
const CANDIDATE_SLICE = 16;

/**
 * Routing decisions. Event-driven: a decision runs when a task arrives or is
 * re-queued (task side) or when an agent frees capacity or becomes available
 * (agent side); never from a timer loop over the backlog.
 *
 * - Task side: the free agents on the task's channel (longest idle first) who
 *   have the lane's skills, ranked by proficiency, are handed to the store,
 *   which offers the task atomically to the first who may still take it.
 * - Agent side: the store takes, atomically, the lowest-scored head among the
 *   lanes the agent is eligible for: O(lanes · log n) whatever the backlog.
 */
@Injectable()
export class RoutingService implements OnModuleInit {
  private readonly logger = new Logger(RoutingService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @InjectRepository(OfferEntity) private readonly offers: Repository<OfferEntity>,
    private readonly directory: DirectoryService,
    private readonly blending: BlendingService,
    private readonly history: TaskHistoryService,
    private readonly emitter: SocketEmitter,
    private readonly timers: TimerService,
    private readonly feed: SupervisorFeed,
    private readonly presence: PresenceNotifier,
  ) {}

  onModuleInit(): void {
    this.directory.onAgentChanged((agentId) => void this.routeAgent(agentId));
    this.directory.onQueueChanged(() => void this.rematchAll());
    this.timers.register('preference-end', (taskId) => this.releasePreference(taskId));
    this.timers.register('reject-cooldown', (taskId) => this.routeTask(taskId).then(() => undefined));
  }

  /**
   * Puts a task in its lane: its preferred agent's personal lane until the
   * preference times out, else the general lane of its queue and skills.
   * Idempotent (recovery calls it for tasks that may be queued already).
   */
  async enqueue(task: TaskEntity): Promise<void> {
    const queue = this.directory.queue(task.queueId);
    if (!queue) throw new Error(`queue ${task.queueId} of task ${task.id} is unknown`);
    const preferredUntil = task.preferredUntil?.getTime() ?? 0;
    const lane =
      task.preferredAgentId && preferredUntil > Date.now()
        ? this.directory.personalLane(task.preferredAgentId, task.channel, queue.id)
        : this.directory.generalLaneFor(queue, task.skills);
    await this.directory.ensureLane(lane);
    await this.store.enqueue({ taskId: task.id, laneKey: lane.key, score: task.score });
    this.feed.queueChanged(queue.id);
    if (lane.preferredAgentId) await this.timers.schedule('preference-end', task.id, preferredUntil);
  }

  /** Task side: offer this queued task to the best free agent, if any. */
  /** `known` is the task's row when the caller has just written it (saves a read on the hot path). */
  async routeTask(taskId: string, known?: TaskEntity): Promise<LiveOffer | null> {
    try {
      const queued = await this.store.findQueued(taskId);
      if (!queued) return null;
      const lane = await this.laneInfo(queued.laneKey);
      const ref = lane && this.laneRef(lane);
      if (!lane || !ref) return null;
      const rules = this.blending.claimRules();
      if (lane.preferredAgentId) {
        const allowed = await this.blending.candidatesForTask(lane, [lane.preferredAgentId], queued.score, Date.now());
        const offer = allowed.length > 0 ? await this.store.claimAgentForTask(taskId, allowed, ref, rules, Date.now()) : null;
        return offer && (await this.deliver(offer, known));
      }
      for (let offset = 0; ; offset += FREE_AGENT_PAGE) {
        const free = await this.store.listFreeAgents(lane.channel, offset, FREE_AGENT_PAGE);
        const ranked = this.rankAgents(free, lane);
        // Ranking is in memory; live state is read only for the best few at a time, so the cost of a
        // decision does not grow with the number of free agents. The blending policy (caps, lull
        // rule, voice reserve) keeps some candidates out.
        for (let start = 0; start < ranked.length; start += CANDIDATE_SLICE) {
          const slice = ranked.slice(start, start + CANDIDATE_SLICE);
          const allowed = await this.blending.candidatesForTask(lane, slice, queued.score, Date.now());
          if (allowed.length === 0) continue;
          const offer = await this.store.claimAgentForTask(taskId, allowed, ref, rules, Date.now());
          if (offer) return this.deliver(offer, known);
        }
        if (free.length < FREE_AGENT_PAGE) return null;
      }
    } catch (error) {
      this.logger.error(`routeTask ${taskId} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return null;
    }
  }

  /** Agent side: fill this agent's free capacity from the heads of its lanes. */
  async routeAgent(agentId: string): Promise<LiveOffer[]> {
    const made: LiveOffer[] = [];
    try {
      const profile = this.directory.agent(agentId);
      if (!profile) return made;
      const lanes = this.directory.lanesForAgent(profile);
      if (lanes.length === 0) return made;
      const rules = this.blending.claimRules();
      const maxOffers = CHANNELS.reduce((sum, channel) => sum + profile.capacity[channel], 0);
      while (made.length < maxOffers) {
        // The blending policy (caps, lull rule, voice reserve) is applied again before each claim: each claim changes the load.
        const refs = (await this.blending.lanesForAgent(profile, lanes, Date.now()))
          .map((lane) => this.laneRef(lane))
          .filter((ref): ref is LaneRef => ref !== null);
        if (refs.length === 0) break;
        const result = await this.store.claimNextTask(agentId, refs, rules, Date.now());
        if (typeof result === 'string') break;
        const delivered = await this.deliver(result);
        if (delivered) made.push(delivered);
      }
    } catch (error) {
      this.logger.error(`routeAgent ${agentId} failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
    return made;
  }

  /** Every free agent looks for work: after start-up, recovery, or a policy or queue change. */
  async rematchAll(): Promise<number> {
    const agents = new Set<string>();
    for (const channel of CHANNELS) {
      for (let offset = 0; ; offset += FREE_AGENT_PAGE) {
        const page = await this.store.listFreeAgents(channel, offset, FREE_AGENT_PAGE);
        page.forEach((id) => agents.add(id));
        if (page.length < FREE_AGENT_PAGE) break;
      }
    }
    let offers = 0;
    for (const agentId of agents) offers += (await this.routeAgent(agentId)).length;
    return offers;
  }

  /** The preferred agent did not free up in time: anyone eligible may take the task now. */
  async releasePreference(taskId: string): Promise<void> {
    const queued = await this.store.findQueued(taskId);
    if (!queued || !isPersonalLane(queued.laneKey)) return;
    const task = await this.tasks.findOneBy({ id: taskId });
    const queue = task && this.directory.queue(task.queueId);
    if (!task || !queue) return;
    const lane = this.directory.generalLaneFor(queue, task.skills);
    await this.directory.ensureLane(lane);
    await this.store.enqueue({ taskId, laneKey: lane.key, score: queued.score });
    await this.history.record(task, { type: 'requeued', data: { reason: 'preference-timeout' } });
    await this.routeTask(taskId);
  }

  /**
   * Writes the offer down, then tells the agent. The write comes first so an
   * accept, however quick, always finds the offer recorded.
   */
  private async deliver(offer: LiveOffer, known?: TaskEntity): Promise<LiveOffer | null> {
    const task = known?.id === offer.taskId ? known : await this.tasks.findOneBy({ id: offer.taskId });
    if (!task) {
      this.logger.warn(`offer ${offer.offerId} for unknown task ${offer.taskId}: revoked`);
      await this.store.revokeOffer(offer.offerId, Date.now());
      return null;
    }
    const at = new Date(offer.createdAt);
    await Promise.all([
      this.tasks.update({ id: task.id, status: 'queued' }, { status: 'offered', agentId: offer.agentId }),
      this.offers.insert({
        id: offer.offerId,
        taskId: task.id,
        agentId: offer.agentId,
        channel: offer.channel,
        outcome: 'pending',
        createdAt: at,
        expiresAt: new Date(offer.expiresAt),
      }),
      this.history.record(task, { type: 'offered', agentId: offer.agentId, at, data: { offerId: offer.offerId } }),
    ]);
    this.feed.queueChanged(task.queueId);
    const queueName = this.directory.queue(task.queueId)?.name ?? null;
    this.emitter.toAgent(offer.agentId, 'offer', {
      offerId: offer.offerId,
      task: { ...toTaskView(task, queueName), status: 'offered', agentId: offer.agentId },
      expiresAt: new Date(offer.expiresAt).toISOString(),
    });
    await this.presence.publish(offer.agentId);
    return offer;
  }

  private rankAgents(agentIds: string[], lane: LaneInfo): string[] {
    const eligible: Array<{ id: string; score: number; order: number }> = [];
    agentIds.forEach((id, order) => {
      const agent = this.directory.agent(id);
      if (agent && agent.capacity[lane.channel] > 0 && hasSkills(agent.skills, lane.skills)) {
        eligible.push({ id, score: proficiency(agent.skills, lane.skills), order });
      }
    });
    // Best proficiency first; among equals, the store's order: longest idle first.
    eligible.sort((a, b) => b.score - a.score || a.order - b.order);
    return eligible.map((entry) => entry.id);
  }

  private laneRef(lane: LaneInfo): LaneRef | null {
    const queue = this.directory.queue(lane.queueId);
    if (!queue) return null;
    return { key: lane.key, channel: lane.channel, offerTimeoutMs: queue.offerTimeoutSeconds * 1000 };
  }

  private async laneInfo(key: string): Promise<LaneInfo | undefined> {
    return this.directory.lane(key) ?? (await this.directory.refreshLane(key));
  }
}
