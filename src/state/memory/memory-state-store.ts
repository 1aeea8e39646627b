import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { CHANNELS, Channel, ChannelCounts, zeroCounts } from '../../tasks/channel';
import { NO_ANSWER_REASON, PresenceState } from '../../presence/presence-state';
import {
  ClaimFailure,
  ClaimPolicy,
  ClaimRules,
  DueTimer,
  LaneInfo,
  LaneRef,
  LiveAgent,
  LiveOffer,
  QueuedTask,
  StateStore,
  TimerKind,
} from '../state-store';
import { SortedSet } from './sorted-set';

/** How many heads of a lane a claim looks past when the first ones were rejected by this agent. */
export const CLAIM_LOOKAHEAD = 8;

const timerKey = (kind: string, id: string): string => `${kind}|${id}`;

/**
 * The in-process state store: the embedded default for a single app process.
 * Every primitive runs synchronously inside one call, which is what makes it
 * atomic here; it is async only to honour the port.
 */
export class MemoryStateStore implements StateStore {
  private readonly logger = new Logger(MemoryStateStore.name);
  private initialized = false;
  private readonly agents = new Map<string, LiveAgent>();
  private readonly free: Record<Channel, SortedSet> = { voice: new SortedSet(), chat: new SortedSet(), email: new SortedSet() };
  private readonly lanes = new Map<string, SortedSet>();
  private readonly laneInfos = new Map<string, LaneInfo>();
  private readonly queued = new Map<string, QueuedTask>();
  private readonly offers = new Map<string, LiveOffer>();
  private readonly offersByAgent = new Map<string, Set<string>>();
  private readonly offerByTask = new Map<string, string>();
  private readonly rejecters = new Map<string, Map<string, number>>();
  private readonly timers = new SortedSet();
  private readonly bus = new EventEmitter();
  private readonly leases = new Map<string, { owner: string; until: number }>();

  constructor() {
    this.bus.setMaxListeners(0);
  }

  async init(): Promise<{ fresh: boolean }> {
    return { fresh: !this.initialized };
  }

  async markInitialized(): Promise<void> {
    this.initialized = true;
  }

  async isFresh(): Promise<boolean> {
    return !this.initialized;
  }

  async close(): Promise<void> {
    this.bus.removeAllListeners();
  }

  /** An in-process store never loses its connection. */
  onReconnected(): void {}

  async ping(): Promise<boolean> {
    return true;
  }

  // ---- agents -------------------------------------------------------------

  async putAgent(agentId: string, capacity: ChannelCounts, now: number): Promise<LiveAgent> {
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = { agentId, state: 'offline', reason: null, since: now, idleSince: now, capacity: { ...capacity }, load: zeroCounts() };
      this.agents.set(agentId, agent);
    } else {
      agent.capacity = { ...capacity };
    }
    this.refreshFree(agent);
    return copyAgent(agent);
  }

  async restoreAgent(agent: LiveAgent): Promise<void> {
    const copy = copyAgent(agent);
    this.agents.set(agent.agentId, copy);
    this.refreshFree(copy);
  }

  async removeAgent(agentId: string): Promise<void> {
    this.agents.delete(agentId);
    for (const channel of CHANNELS) this.free[channel].remove(agentId);
  }

  async getAgent(agentId: string): Promise<LiveAgent | null> {
    const agent = this.agents.get(agentId);
    return agent ? copyAgent(agent) : null;
  }

  async getAgents(agentIds: string[]): Promise<Array<LiveAgent | null>> {
    return agentIds.map((id) => {
      const agent = this.agents.get(id);
      return agent ? copyAgent(agent) : null;
    });
  }

  async listAgents(): Promise<LiveAgent[]> {
    return [...this.agents.values()].map(copyAgent);
  }

  async setPresence(agentId: string, state: PresenceState, reason: string | null, now: number): Promise<LiveAgent | null> {
    const agent = this.agents.get(agentId);
    if (!agent) return null;
    this.applyPresence(agent, state, reason, now);
    return copyAgent(agent);
  }

  async setPresenceIf(
    agentId: string,
    expected: PresenceState,
    expectedSince: number | null,
    state: PresenceState,
    reason: string | null,
    now: number,
  ): Promise<LiveAgent | null> {
    const agent = this.agents.get(agentId);
    if (!agent || agent.state !== expected) return null;
    if (expectedSince !== null && agent.since !== expectedSince) return null;
    this.applyPresence(agent, state, reason, now);
    return copyAgent(agent);
  }

  async listFreeAgents(channel: Channel, offset: number, limit: number): Promise<string[]> {
    return this.free[channel].range(offset, limit).map(([, id]) => id);
  }

  async countFreeAgents(channel: Channel): Promise<number> {
    return this.free[channel].size;
  }

  async releaseLoad(agentId: string, channel: Channel, now: number): Promise<LiveAgent | null> {
    const agent = this.agents.get(agentId);
    if (!agent) return null;
    this.giveBackLoad(agent, channel, now, true);
    return copyAgent(agent);
  }

  // ---- lanes ----------------------------------------------------------------

  async registerLane(lane: LaneInfo): Promise<boolean> {
    if (this.laneInfos.has(lane.key)) return false;
    this.laneInfos.set(lane.key, { ...lane, skills: [...lane.skills] });
    return true;
  }

  async listLanes(): Promise<LaneInfo[]> {
    return [...this.laneInfos.values()].map((lane) => ({ ...lane, skills: [...lane.skills] }));
  }

  async enqueue(task: QueuedTask): Promise<void> {
    this.putInLane(task);
  }

  async dequeue(taskId: string): Promise<boolean> {
    const queued = this.queued.get(taskId);
    if (!queued) return false;
    this.takeFromLane(queued);
    return true;
  }

  async findQueued(taskId: string): Promise<QueuedTask | null> {
    const queued = this.queued.get(taskId);
    return queued ? { ...queued } : null;
  }

  async laneHeads(laneKeys: string[], n: number): Promise<QueuedTask[][]> {
    return laneKeys.map((key) =>
      (this.lanes.get(key)?.range(0, n) ?? []).map(([score, taskId]) => ({ taskId, laneKey: key, score })),
    );
  }

  async laneSizes(laneKeys: string[]): Promise<number[]> {
    return laneKeys.map((key) => this.lanes.get(key)?.size ?? 0);
  }

  // ---- claims -----------------------------------------------------------------

  async claimNextTask(agentId: string, lanes: LaneRef[], rules: ClaimRules, now: number, policy: ClaimPolicy = {}): Promise<LiveOffer | ClaimFailure> {
    const agent = this.agents.get(agentId);
    if (!agent || agent.state !== 'available') return 'agent-unavailable';
    let lull: boolean | undefined;
    let best: { task: QueuedTask; lane: LaneRef } | undefined;
    for (const lane of lanes) {
      if (!canTake(agent, lane.channel, rules) || !underPolicyCap(agent, lane.channel, policy)) continue;
      const candidate = this.candidate(lane.key, agentId, now);
      if (!candidate) continue;
      const [score, taskId] = candidate;
      if (lane.guardOffsetMs !== undefined) {
        const guardAt = score + lane.guardOffsetMs;
        if (guardAt > now && !(lull ??= this.inLull(policy, now))) {
          this.armGuard(policy, lane.key, guardAt);
          continue;
        }
      }
      if (!best || score < best.task.score || (score === best.task.score && taskId < best.task.taskId)) {
        best = { task: { taskId, laneKey: lane.key, score }, lane };
      }
    }
    if (!best) return 'no-task';
    return this.makeOffer(agent, best.task, best.lane, now);
  }

  async claimAgentForTask(
    taskId: string,
    agentIds: string[],
    lane: LaneRef,
    rules: ClaimRules,
    now: number,
  ): Promise<LiveOffer | null> {
    const queued = this.queued.get(taskId);
    if (!queued) return null;
    for (const agentId of agentIds) {
      const agent = this.agents.get(agentId);
      if (!agent || !canTake(agent, lane.channel, rules) || this.isRejecter(taskId, agentId, now)) continue;
      return this.makeOffer(agent, queued, lane, now);
    }
    return null;
  }

  // ---- offers -------------------------------------------------------------------

  async getOffer(offerId: string): Promise<LiveOffer | null> {
    const offer = this.offers.get(offerId);
    return offer ? { ...offer } : null;
  }

  async agentOffers(agentId: string): Promise<LiveOffer[]> {
    const ids = this.offersByAgent.get(agentId) ?? new Set<string>();
    return [...ids].map((id) => ({ ...(this.offers.get(id) as LiveOffer) }));
  }

  async taskOffer(taskId: string): Promise<LiveOffer | null> {
    const id = this.offerByTask.get(taskId);
    return id ? { ...(this.offers.get(id) as LiveOffer) } : null;
  }

  async acceptOffer(offerId: string, agentId: string): Promise<LiveOffer | null> {
    const offer = this.offers.get(offerId);
    if (!offer || offer.status !== 'pending' || offer.agentId !== agentId) return null;
    offer.status = 'accepted';
    this.timers.remove(timerKey('offer-expiry', offerId));
    return { ...offer };
  }

  async rejectOffer(offerId: string, agentId: string, cooldownMs: number, now: number): Promise<LiveOffer | null> {
    const offer = this.offers.get(offerId);
    if (!offer || offer.status !== 'pending' || offer.agentId !== agentId) return null;
    this.dropOffer(offer, now, false);
    this.putInLane({ taskId: offer.taskId, laneKey: offer.laneKey, score: offer.score });
    if (cooldownMs > 0) {
      let byAgent = this.rejecters.get(offer.taskId);
      if (!byAgent) this.rejecters.set(offer.taskId, (byAgent = new Map()));
      byAgent.set(agentId, now + cooldownMs);
      this.schedule('reject-cooldown', offer.taskId, now + cooldownMs);
    }
    return { ...offer };
  }

  async expireOffer(offerId: string, now: number): Promise<LiveOffer | null> {
    const offer = this.offers.get(offerId);
    if (!offer || offer.status !== 'pending') return null;
    this.dropOffer(offer, now, false);
    this.putInLane({ taskId: offer.taskId, laneKey: offer.laneKey, score: offer.score });
    const agent = this.agents.get(offer.agentId);
    if (agent) this.applyPresence(agent, 'away', NO_ANSWER_REASON, now);
    return { ...offer };
  }

  async revokeOffer(offerId: string, now: number): Promise<LiveOffer | null> {
    const offer = this.offers.get(offerId);
    if (!offer) return null;
    this.dropOffer(offer, now, offer.status === 'accepted');
    return { ...offer };
  }

  async revokeTaskOffer(taskId: string, now: number): Promise<LiveOffer | null> {
    const offerId = this.offerByTask.get(taskId);
    return offerId ? this.revokeOffer(offerId, now) : null;
  }

  async restoreOffer(offer: LiveOffer): Promise<void> {
    if (this.offers.has(offer.offerId)) return;
    const agent = this.agents.get(offer.agentId);
    if (!agent) return;
    this.indexOffer({ ...offer });
    agent.load[offer.channel] += 1;
    this.refreshFree(agent);
    if (offer.status === 'pending') this.schedule('offer-expiry', offer.offerId, offer.expiresAt);
  }

  // ---- timers -------------------------------------------------------------------

  private readonly timerListeners: Array<(dueAt: number) => void> = [];

  async scheduleTimer(kind: TimerKind, id: string, dueAt: number): Promise<void> {
    this.schedule(kind, id, dueAt);
  }

  async cancelTimer(kind: TimerKind, id: string): Promise<void> {
    this.timers.remove(timerKey(kind, id));
  }

  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    const due = this.timers.upTo(now, limit);
    return due.map(([dueAt, key]) => {
      this.timers.remove(key);
      const bar = key.indexOf('|');
      const timer = { kind: key.slice(0, bar), id: key.slice(bar + 1), dueAt };
      if (timer.kind === 'reject-cooldown') this.pruneRejecters(timer.id, now);
      return timer;
    });
  }

  async nextTimerDue(): Promise<number | null> {
    return this.timers.first()?.[0] ?? null;
  }

  onTimerScheduled(listener: (dueAt: number) => void): void {
    this.timerListeners.push(listener);
  }

  // ---- messaging and leases ---------------------------------------------------------

  async publish(topic: string, message: string): Promise<void> {
    // Delivered on a later tick, as over Redis pub/sub.
    setImmediate(() => this.bus.emit(topic, message));
  }

  async subscribe(topic: string, listener: (message: string) => void): Promise<void> {
    this.bus.on(topic, listener);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(name);
    const now = Date.now();
    if (lease && lease.owner !== owner && lease.until > now) return false;
    this.leases.set(name, { owner, until: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  // ---- internals ------------------------------------------------------------------------

  private applyPresence(agent: LiveAgent, state: PresenceState, reason: string | null, now: number): void {
    if (state === 'available' && agent.state !== 'available') agent.idleSince = now;
    if (agent.state !== state || agent.reason !== reason) agent.since = now;
    agent.state = state;
    agent.reason = reason;
    this.refreshFree(agent);
  }

  private refreshFree(agent: LiveAgent): void {
    for (const channel of CHANNELS) {
      if (agent.state === 'available' && agent.load[channel] < agent.capacity[channel]) {
        this.free[channel].add(agent.agentId, agent.idleSince);
      } else {
        this.free[channel].remove(agent.agentId);
      }
    }
  }

  private giveBackLoad(agent: LiveAgent, channel: Channel, now: number, resetIdle: boolean): void {
    // A release with nothing to give back (a duplicate completion) must not send the agent to the back of the idle line.
    if (agent.load[channel] > 0) {
      agent.load[channel] -= 1;
      if (resetIdle && CHANNELS.every((c) => agent.load[c] === 0)) agent.idleSince = now;
    }
    this.refreshFree(agent);
  }

  private putInLane(task: QueuedTask): void {
    const previous = this.queued.get(task.taskId);
    if (previous) this.takeFromLane(previous);
    let set = this.lanes.get(task.laneKey);
    if (!set) this.lanes.set(task.laneKey, (set = new SortedSet()));
    set.add(task.taskId, task.score);
    this.queued.set(task.taskId, { ...task });
  }

  private takeFromLane(task: QueuedTask): void {
    this.lanes.get(task.laneKey)?.remove(task.taskId);
    this.queued.delete(task.taskId);
  }

  /** Drops a task's rejecters whose cooldown is over: they would never match again, and would pile up. */
  private pruneRejecters(taskId: string, now: number): void {
    const byAgent = this.rejecters.get(taskId);
    if (!byAgent) return;
    for (const [agentId, until] of byAgent) if (until <= now) byAgent.delete(agentId);
    if (byAgent.size === 0) this.rejecters.delete(taskId);
  }

  /** The first head of a lane this agent did not reject (within the lookahead). */
  private candidate(laneKey: string, agentId: string, now: number): [number, string] | undefined {
    const set = this.lanes.get(laneKey);
    if (!set) return undefined;
    return set.range(0, CLAIM_LOOKAHEAD).find(([, taskId]) => !this.isRejecter(taskId, agentId, now));
  }

  /** The lull rule over the policy's voice lanes (always a lull without one). */
  private inLull(policy: ClaimPolicy, now: number): boolean {
    if (!policy.lull) return true;
    let waiting = 0;
    let oldest = 0;
    for (const lane of policy.lull.voiceLanes) {
      const set = this.lanes.get(lane.key);
      const head = set?.first();
      if (!set || !head) continue;
      waiting += set.size;
      oldest = Math.max(oldest, now - (head[0] - lane.enqueueOffsetMs));
    }
    return waiting <= policy.lull.maxWaiting && (waiting === 0 || oldest <= policy.lull.maxWaitMs);
  }

  /** Held deferrable work goes out at its guard time: (re)schedule the lane's guard timer. */
  private armGuard(policy: ClaimPolicy, laneKey: string, guardAt: number): void {
    if (!policy.guardTimerKind) return;
    const dueAt = Math.ceil(guardAt);
    if (this.timers.score(timerKey(policy.guardTimerKind, laneKey)) !== dueAt) this.schedule(policy.guardTimerKind, laneKey, dueAt);
  }

  private isRejecter(taskId: string, agentId: string, now: number): boolean {
    const until = this.rejecters.get(taskId)?.get(agentId);
    return until !== undefined && until > now;
  }

  private makeOffer(agent: LiveAgent, task: QueuedTask, lane: LaneRef, now: number): LiveOffer {
    this.takeFromLane(task);
    const offer: LiveOffer = {
      offerId: randomUUID(),
      taskId: task.taskId,
      agentId: agent.agentId,
      channel: lane.channel,
      laneKey: task.laneKey,
      score: task.score,
      createdAt: now,
      expiresAt: now + lane.offerTimeoutMs,
      status: 'pending',
    };
    this.indexOffer(offer);
    agent.load[lane.channel] += 1;
    this.refreshFree(agent);
    this.schedule('offer-expiry', offer.offerId, offer.expiresAt);
    return { ...offer };
  }

  private indexOffer(offer: LiveOffer): void {
    this.offers.set(offer.offerId, offer);
    let ids = this.offersByAgent.get(offer.agentId);
    if (!ids) this.offersByAgent.set(offer.agentId, (ids = new Set()));
    ids.add(offer.offerId);
    this.offerByTask.set(offer.taskId, offer.offerId);
  }

  private dropOffer(offer: LiveOffer, now: number, resetIdle: boolean): void {
    this.offers.delete(offer.offerId);
    this.offersByAgent.get(offer.agentId)?.delete(offer.offerId);
    if (this.offerByTask.get(offer.taskId) === offer.offerId) this.offerByTask.delete(offer.taskId);
    this.timers.remove(timerKey('offer-expiry', offer.offerId));
    const agent = this.agents.get(offer.agentId);
    if (agent) this.giveBackLoad(agent, offer.channel, now, resetIdle);
  }

  private schedule(kind: string, id: string, dueAt: number): void {
    this.timers.add(timerKey(kind, id), dueAt);
    if (this.timers.first()?.[1] === timerKey(kind, id)) {
      for (const listener of this.timerListeners) {
        try {
          listener(dueAt);
        } catch (error) {
          this.logger.error(`timer listener failed: ${String(error)}`);
        }
      }
    }
  }
}

/** May `agent` be offered one more task on `channel` now? (the exclusivity rules come from policy) */
export function canTake(agent: LiveAgent, channel: Channel, rules: ClaimRules): boolean {
  if (agent.state !== 'available') return false;
  if (agent.load[channel] >= agent.capacity[channel]) return false;
  return rules.blockers[channel].every((blocker) => agent.load[blocker] === 0);
}

/** Is the agent's load on `channel` under the policy's cap (its own capacity is canTake's)? */
function underPolicyCap(agent: LiveAgent, channel: Channel, policy: ClaimPolicy): boolean {
  const cap = policy.caps?.[channel];
  return cap === undefined || cap === null || agent.load[channel] < cap;
}

function copyAgent(agent: LiveAgent): LiveAgent {
  return { ...agent, capacity: { ...agent.capacity }, load: { ...agent.load } };
}
