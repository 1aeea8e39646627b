import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentProfile, DirectoryService, QueueProfile } from '../routing/directory.service';
import { hasSkills, laneRef, personalLaneKey } from '../routing/lanes';
import { TimerService } from '../routing/timer.service';
import { ClaimPolicy, ClaimRules, LaneInfo, LaneRef, LiveAgent, STATE_STORE, StateStore } from '../state/state-store';
import { BlendingPolicy, DEFAULT_BLENDING_POLICY, claimRulesFor, clonePolicy } from './blending-policy';
import {
  LullVerdict,
  VoiceLaneState,
  effectiveCapacity,
  enqueuedAtFromScore,
  lullVerdict,
  readyForCall,
  rulesForAgent,
  slaGuardAt,
  underCap,
} from './blending-rules';

/** An agent-side claim as the policy shapes it: the lanes to take from, and the rules the store applies atomically. */
export interface ClaimPlan {
  lanes: LaneRef[];
  rules: ClaimRules;
  policy: ClaimPolicy;
}

/** Timer kind: an email lane's head reaches its SLA guard while no event would route it. */
export const SLA_GUARD_TIMER = 'blending-sla-guard';

const FREE_PAGE = 200;

/** The SLA part of a lane head's score (a virtual deadline): `enqueuedAt = score - enqueueOffsetMs`. */
function enqueueOffsetMs(queue: QueueProfile): number {
  return -enqueuedAtFromScore(0, queue);
}

/** The policy caps that are set, as the store takes them. */
function definedCaps(caps: BlendingPolicy['channelCapacity']): ClaimPolicy['caps'] {
  const out: ClaimPolicy['caps'] = {};
  for (const [channel, cap] of Object.entries(caps) as Array<[keyof typeof caps, number | null | undefined]>) {
    if (cap !== undefined && cap !== null) out[channel] = cap;
  }
  return out;
}

/**
 * Holds the live blending policy and applies it to every routing decision:
 * which lanes an agent may take from (agent side) and which free agents a task
 * may go to (task side). Reads lane heads and sizes only (one batched store
 * call each), never the backlog: O(lanes · log n) per decision.
 *
 * - caps: policy-level per-channel capacity, on top of the agent's own;
 * - lull rule: email lanes only while the agent's voice lanes are quiet, unless
 *   the email has waited `emailSlaGuardPercent` of its SLA (then a store timer
 *   is armed for that moment, so the email goes out even if nothing happens);
 * - voice reserve: an agent who could take a call now gets no chat/email while
 *   that would leave fewer than `voiceReserveAgents` such agents.
 *
 * The policy itself is edited through BlendingPolicyService (API, durable
 * history, cross-node bus), which calls `apply`.
 */
@Injectable()
export class BlendingService {
  private readonly logger = new Logger(BlendingService.name);
  private current: BlendingPolicy = clonePolicy(DEFAULT_BLENDING_POLICY);
  private rulesCache: ClaimRules = claimRulesFor(this.current);
  /** Guard timers this node armed, by lane: skip re-arming the same moment on every decision. */
  private readonly guardArmed = new Map<string, number>();
  private readonly decisionListeners: Array<() => void> = [];

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
    private readonly timers: TimerService,
  ) {}

  policy(): BlendingPolicy {
    return clonePolicy(this.current);
  }

  claimRules(): ClaimRules {
    return this.rulesCache;
  }

  apply(policy: BlendingPolicy): void {
    this.current = clonePolicy(policy);
    this.rulesCache = claimRulesFor(this.current);
    this.guardArmed.clear();
  }

  /** Told (synchronously, must not block) whenever a routing decision is about to be made: the stats feed. */
  onDecision(listener: () => void): void {
    this.decisionListeners.push(listener);
  }

  /**
   * Agent side: the claim for this agent under the live policy. Everything
   * that depends on live state (the agent's load against the caps, the lull
   * of the voice lanes, the SLA guard of the email heads) is handed to the
   * store, which applies it in the claim itself: a decision is one round
   * trip. Only the voice reserve reads live state here, and only when the
   * policy keeps one.
   */
  async claimPlan(profile: AgentProfile, lanes: LaneInfo[], now: number): Promise<ClaimPlan> {
    this.decided();
    const policy = this.current;
    const rules = rulesForAgent(policy, profile.id);
    const capacity = effectiveCapacity(profile.capacity, rules.caps);
    let out = lanes.filter((lane) => capacity[lane.channel] > 0);
    if (policy.voiceReserveAgents > 0 && capacity.voice > 0 && out.some((lane) => lane.channel !== 'voice')) {
      const live = await this.store.getAgent(profile.id);
      if (live && this.holdsReserve(live, capacity.voice, rules.caps) && (await this.readyForCallCount(policy.voiceReserveAgents)) <= policy.voiceReserveAgents) {
        out = out.filter((lane) => lane.channel === 'voice');
      }
    }
    const refs: LaneRef[] = [];
    for (const lane of out) {
      const queue = this.directory.queue(lane.queueId);
      if (!queue) continue;
      const ref = laneRef(lane, queue);
      // Email waits for a lull, or for its SLA guard: guardAt = enqueuedAt + sla·percent = score + offset.
      if (lane.channel === 'email') ref.guardOffsetMs = (queue.slaSeconds * 1000 * rules.guardPercent) / 100 - enqueueOffsetMs(queue);
      refs.push(ref);
    }
    const claimPolicy: ClaimPolicy = { caps: definedCaps(rules.caps), guardTimerKind: SLA_GUARD_TIMER };
    if (capacity.voice > 0 && refs.some((ref) => ref.guardOffsetMs !== undefined)) {
      const voiceLanes = [];
      for (const lane of lanes) {
        const queue = lane.channel === 'voice' ? this.directory.queue(lane.queueId) : undefined;
        if (queue) voiceLanes.push({ key: lane.key, enqueueOffsetMs: enqueueOffsetMs(queue) });
      }
      claimPolicy.lull = { voiceLanes, maxWaiting: rules.maxWaiting, maxWaitMs: rules.maxWaitSeconds * 1000 };
    }
    return { lanes: refs, rules: this.rulesCache, policy: claimPolicy };
  }

  /**
   * Task side: the candidates (already ranked) the task in `lane`, scored
   * `score`, may be offered to now. Same rules as the agent side.
   */
  async candidatesForTask(lane: LaneInfo, agentIds: string[], score: number, now: number): Promise<string[]> {
    this.decided();
    if (agentIds.length === 0) return agentIds;
    const policy = this.current;
    // Nothing in the policy applies to this lane (no cap on its channel, no reserve to keep, not
    // deferrable): the store's atomic check is all there is, so no live state is read here.
    if (!this.readsLiveState(lane)) return agentIds.filter((id) => (this.directory.agent(id)?.capacity[lane.channel] ?? 0) > 0);
    const live = await this.store.getAgents(agentIds);
    const queue = this.directory.queue(lane.queueId);
    let voiceStates: Map<string, VoiceLaneState> | null = null;
    let ready: number | null = null;
    let heldByLull = false;
    const out: string[] = [];
    for (let i = 0; i < agentIds.length; i++) {
      const agent = live[i];
      const profile = this.directory.agent(agentIds[i]);
      if (!agent || !profile) continue;
      const rules = rulesForAgent(policy, profile.id);
      const capacity = effectiveCapacity(profile.capacity, rules.caps);
      if (capacity[lane.channel] <= 0 || !underCap(agent, lane.channel, rules.caps)) continue;
      if (lane.channel === 'email' && queue && slaGuardAt(score, queue, rules.guardPercent) > now) {
        voiceStates ??= await this.voiceLaneStates(agentIds);
        const verdict = lullVerdict(capacity.voice > 0 ? this.voiceLanesOf(profile, voiceStates) : null, rules, now);
        if (!verdict.lull) {
          heldByLull = true;
          continue;
        }
      }
      if (lane.channel !== 'voice' && policy.voiceReserveAgents > 0 && this.holdsReserve(agent, capacity.voice, rules.caps)) {
        ready ??= await this.readyForCallCount(policy.voiceReserveAgents);
        if (ready <= policy.voiceReserveAgents) continue;
      }
      out.push(profile.id);
    }
    if (out.length === 0 && heldByLull && queue) {
      const [head] = (await this.store.laneHeads([lane.key], 1))[0];
      const dueAt = head ? this.nextGuardAt(head.score, queue, now) : null;
      if (dueAt !== null) await this.armGuard(lane.key, dueAt);
    }
    return out;
  }

  /**
   * The next moment (after `now`) an email scored `score` reaches an SLA guard:
   * the floor's or a team's percent, whichever comes first. Null when all passed.
   */
  nextGuardAt(score: number, queue: { slaSeconds: number; priority: number }, now: number): number | null {
    const percents = [this.current.emailSlaGuardPercent, ...Object.values(this.current.teams).map((team) => team.emailSlaGuardPercent)];
    let next: number | null = null;
    for (const percent of percents) {
      if (percent === undefined) continue;
      const at = slaGuardAt(score, queue, percent);
      if (at > now && (next === null || at < next)) next = at;
    }
    return next;
  }

  /** The floor-wide lull (all voice lanes, the floor's thresholds): for supervisors. */
  async floorLull(now: number): Promise<LullVerdict> {
    const states = await this.voiceLaneStates([]);
    return lullVerdict([...states.values()], { maxWaiting: this.current.lullMaxVoiceWaiting, maxWaitSeconds: this.current.lullMaxVoiceWaitSeconds }, now);
  }

  /** Agents who could take a call right now, counted up to `limit + 1` (the reserve needs no more). */
  async readyForCallCount(limit: number): Promise<number> {
    let count = 0;
    for (let offset = 0; ; offset += FREE_PAGE) {
      const ids = await this.store.listFreeAgents('voice', offset, FREE_PAGE);
      const agents = ids.length > 0 ? await this.store.getAgents(ids) : [];
      for (const agent of agents) {
        if (!agent) continue;
        const caps = rulesForAgent(this.current, agent.agentId).caps;
        if (readyForCall(agent, this.rulesCache, caps)) count += 1;
        if (count > limit) return count;
      }
      if (ids.length < FREE_PAGE) return count;
    }
  }

  /** Forget an armed guard (its timer fired). */
  guardFired(laneKey: string): void {
    this.guardArmed.delete(laneKey);
  }

  /** Arms the store timer that routes an email lane's head when it reaches its SLA guard. */
  async armGuard(laneKey: string, dueAt: number): Promise<void> {
    if (this.guardArmed.get(laneKey) === dueAt || dueAt <= Date.now()) return;
    this.guardArmed.set(laneKey, dueAt);
    try {
      await this.timers.schedule(SLA_GUARD_TIMER, laneKey, Math.ceil(dueAt));
    } catch (error) {
      this.guardArmed.delete(laneKey);
      this.logger.error(`SLA guard timer for ${laneKey} not armed: ${String(error)}`);
    }
  }

  /**
   * Does the live policy constrain the task side of this lane beyond the
   * store's own checks (caps on its channel, a voice reserve to keep, the
   * lull rule)? Only then does `candidatesForTask` read the candidates' live state.
   */
  readsLiveState(lane: LaneInfo): boolean {
    const policy = this.current;
    if (lane.channel === 'email') return true;
    if (lane.channel !== 'voice' && policy.voiceReserveAgents > 0) return true;
    const capped = (caps: BlendingPolicy['channelCapacity'] | undefined): boolean => caps?.[lane.channel] !== undefined && caps[lane.channel] !== null;
    return capped(policy.channelCapacity) || Object.values(policy.teams).some((team) => capped(team.channelCapacity));
  }

  private decided(): void {
    for (const listener of this.decisionListeners) listener();
  }

  private holdsReserve(agent: LiveAgent, voiceCapacity: number, caps: BlendingPolicy['channelCapacity']): boolean {
    return voiceCapacity > 0 && readyForCall(agent, this.rulesCache, caps);
  }

  private voiceState(lane: LaneInfo, waiting: number, headScore: number | null): VoiceLaneState | null {
    const queue = this.directory.queue(lane.queueId);
    return queue ? { waiting, headScore, queue } : null;
  }

  /** Every general voice lane, plus the personal voice lanes of `agentIds`: one batched read. */
  private async voiceLaneStates(agentIds: string[]): Promise<Map<string, VoiceLaneState>> {
    const lanes: LaneInfo[] = [];
    for (const queue of this.directory.allQueues()) {
      if (queue.channel === 'voice') lanes.push(...this.directory.lanesOfQueue(queue.id));
    }
    for (const id of agentIds) {
      const personal = this.directory.lane(personalLaneKey(id, 'voice'));
      if (personal) lanes.push(personal);
    }
    const keys = lanes.map((lane) => lane.key);
    const [heads, sizes] = await Promise.all([this.store.laneHeads(keys, 1), this.store.laneSizes(keys)]);
    const states = new Map<string, VoiceLaneState>();
    lanes.forEach((lane, i) => {
      const state = this.voiceState(lane, sizes[i], heads[i][0]?.score ?? null);
      if (state) states.set(lane.key, state);
    });
    return states;
  }

  /** The voice lanes (among `states`) this agent can serve: its skills, and its own personal lane. */
  private voiceLanesOf(profile: AgentProfile, states: Map<string, VoiceLaneState>): VoiceLaneState[] {
    const out: VoiceLaneState[] = [];
    for (const [key, state] of states) {
      const lane = this.directory.lane(key);
      if (!lane) continue;
      if (lane.preferredAgentId ? lane.preferredAgentId === profile.id : hasSkills(profile.skills, lane.skills)) out.push(state);
    }
    return out;
  }
}
