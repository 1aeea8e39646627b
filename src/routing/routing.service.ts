import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BlendingService } from '../blending/blending.service';
import { SocketEmitter } from '../gateway/socket-emitter';
import { SupervisorFeed } from '../gateway/supervisor-feed';
import { PresenceNotifier } from '../presence/presence-notifier';
import { LaneInfo, LiveOffer, STATE_STORE, StateStore } from '../state/state-store';
import { CHANNELS } from '../tasks/channel';
import { TaskEntity } from '../tasks/task.entity';
import { TaskHistoryService } from '../tasks/task-history.service';
import { TaskLifecycleRepository } from '../tasks/task-lifecycle.repository';
import { toTaskView } from '../tasks/task.view';
import { DirectoryService } from './directory.service';
import { hasSkills, isPersonalLane, laneRef, proficiency } from './lanes';
import { TimerService } from './timer.service';

/** Free agents read per page when a task looks for an agent (longest idle first). */
const FREE_AGENT_PAGE = 500;
/** Ranked candidates per claim attempt when the blending policy reads their live state first. */
const CANDIDATE_SLICE = 16;
/**
 * Ranked candidates per claim attempt when it does not (the store's atomic check is all): many, so a
 * burst of tasks, which all see the same ranking, is served in one claim each rather than several.
 */
const CLAIM_SLICE = 64;

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
    private readonly directory: DirectoryService,
    private readonly blending: BlendingService,
    private readonly history: TaskHistoryService,
    private readonly lifecycle: TaskLifecycleRepository,
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
    await this.putInLane(task, null);
  }

  /**
   * A new task: into its lane, then offered to the best free agent at once.
   * The first page of free agents is read in the same round trip as the
   * enqueue. Returns the task as written with its offer, or null when it
   * stays queued.
   */
  async enqueueAndRoute(task: TaskEntity): Promise<TaskEntity | null> {
    let firstPage: Promise<string[]> | null = null;
    const lane = await this.putInLane(task, (info) => {
      if (info.preferredAgentId) return;
      const page = this.store.listFreeAgents(info.channel, 0, FREE_AGENT_PAGE);
      // Observed here so a failure (Redis gone) is never an unhandled rejection; awaited below, where it is logged.
      page.catch(() => undefined);
      firstPage = page;
    });
    const routed = await this.routeQueued(task.id, task.score, lane, firstPage);
    return routed?.task ?? null;
  }

  /** Task side: offer this queued task to the best free agent, if any. */
  async routeTask(taskId: string): Promise<LiveOffer | null> {
    try {
      const queued = await this.store.findQueued(taskId);
      const lane = queued && (await this.laneInfo(queued.laneKey));
      if (!queued || !lane) return null;
      return (await this.routeQueued(taskId, queued.score, lane, null))?.offer ?? null;
    } catch (error) {
      this.logger.error(`routeTask ${taskId} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return null;
    }
  }

  private async putInLane(task: TaskEntity, alongside: ((lane: LaneInfo) => void) | null): Promise<LaneInfo> {
    const queue = this.directory.queue(task.queueId);
    if (!queue) throw new Error(`queue ${task.queueId} of task ${task.id} is unknown`);
    const preferredUntil = task.preferredUntil?.getTime() ?? 0;
    const lane =
      task.preferredAgentId && preferredUntil > Date.now()
        ? this.directory.personalLane(task.preferredAgentId, task.channel, queue.id)
        : this.directory.generalLaneFor(queue, task.skills);
    await this.directory.ensureLane(lane);
    const enqueued = this.store.enqueue({ taskId: task.id, laneKey: lane.key, score: task.score });
    alongside?.(lane); // issued in the same tick: one round trip for both
    await enqueued;
    this.feed.queueChanged(queue.id);
    if (lane.preferredAgentId) await this.timers.schedule('preference-end', task.id, preferredUntil);
    return lane;
  }

  /** Task side, for a task queued in `lane` with `score`; `firstPage` is the first page of free agents when already asked for. */
  private async routeQueued(
    taskId: string,
    score: number,
    lane: LaneInfo,
    firstPage: Promise<string[]> | null,
  ): Promise<{ offer: LiveOffer; task: TaskEntity } | null> {
    try {
      const queue = this.directory.queue(lane.queueId);
      if (!queue) return null;
      const ref = laneRef(lane, queue);
      const rules = this.blending.claimRules();
      if (lane.preferredAgentId) {
        const allowed = await this.blending.candidatesForTask(lane, [lane.preferredAgentId], score, Date.now());
        const offer = allowed.length > 0 ? await this.store.claimAgentForTask(taskId, allowed, ref, rules, Date.now()) : null;
        return offer && this.delivered(offer);
      }
      for (let offset = 0; ; offset += FREE_AGENT_PAGE) {
        const free = await (offset === 0 && firstPage ? firstPage : this.store.listFreeAgents(lane.channel, offset, FREE_AGENT_PAGE));
        const ranked = this.rankAgents(free, lane);
        // Ranking is in memory; live state is read only for the best few at a time (and only when the
        // blending policy needs it: caps, lull rule, voice reserve), so the cost of a decision does not
        // grow with the number of free agents.
        const size = this.blending.readsLiveState(lane) ? CANDIDATE_SLICE : CLAIM_SLICE;
        for (let start = 0; start < ranked.length; start += size) {
          const slice = ranked.slice(start, start + size);
          const allowed = await this.blending.candidatesForTask(lane, slice, score, Date.now());
          if (allowed.length === 0) continue;
          const offer = await this.store.claimAgentForTask(taskId, allowed, ref, rules, Date.now());
          if (offer) return this.delivered(offer);
        }
        if (free.length < FREE_AGENT_PAGE) return null;
      }
    } catch (error) {
      this.logger.error(`routeTask ${taskId} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return null;
    }
  }

  private async delivered(offer: LiveOffer): Promise<{ offer: LiveOffer; task: TaskEntity } | null> {
    const task = await this.deliver(offer);
    return task && { offer, task };
  }

  /** Agent side: fill this agent's free capacity from the heads of its lanes. */
  async routeAgent(agentId: string): Promise<LiveOffer[]> {
    const made: LiveOffer[] = [];
    try {
      const profile = this.directory.agent(agentId);
      if (!profile) return made;
      const lanes = this.directory.lanesForAgent(profile);
      if (lanes.length === 0) return made;
      const maxOffers = CHANNELS.reduce((sum, channel) => sum + profile.capacity[channel], 0);
      while (made.length < maxOffers) {
        // One round trip per claim: the store applies the blending policy (caps, lull rule, SLA guard) in the
        // claim itself, against the load as it is at that instant; each claim changes the load.
        const plan = await this.blending.claimPlan(profile, lanes, Date.now());
        if (plan.lanes.length === 0) break;
        const result = await this.store.claimNextTask(agentId, plan.lanes, plan.rules, Date.now(), plan.policy);
        if (typeof result === 'string') break;
        if (await this.deliver(result)) made.push(result);
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
   * Writes the offer down (offer record, task `offered`, history: one
   * statement), then tells the agent. The write comes first so an accept,
   * however quick, always finds the offer recorded. Returns the task as
   * written, or null when it does not exist (the offer is then revoked).
   */
  private async deliver(offer: LiveOffer): Promise<TaskEntity | null> {
    const task = await this.lifecycle.offered({
      offerId: offer.offerId,
      taskId: offer.taskId,
      agentId: offer.agentId,
      channel: offer.channel,
      createdAt: new Date(offer.createdAt),
      expiresAt: new Date(offer.expiresAt),
    });
    if (!task) {
      this.logger.warn(`offer ${offer.offerId} for unknown task ${offer.taskId}: revoked`);
      await this.store.revokeOffer(offer.offerId, Date.now());
      return null;
    }
    this.feed.queueChanged(task.queueId);
    const queueName = this.directory.queue(task.queueId)?.name ?? null;
    this.emitter.toAgent(offer.agentId, 'offer', {
      offerId: offer.offerId,
      task: { ...toTaskView(task, queueName), status: 'offered', agentId: offer.agentId },
      expiresAt: new Date(offer.expiresAt).toISOString(),
    });
    await this.presence.publish(offer.agentId);
    return task;
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

  private async laneInfo(key: string): Promise<LaneInfo | undefined> {
    return this.directory.lane(key) ?? (await this.directory.refreshLane(key));
  }
}
