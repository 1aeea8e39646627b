import { Inject, Injectable, Logger } from '@nestjs/common';
import { AgentProfile, DirectoryService } from '../routing/directory.service';
import { hasSkills, personalLaneKey } from '../routing/lanes';
import { TimerService } from '../routing/timer.service';
import { ClaimRules, LaneInfo, LiveAgent, STATE_STORE, StateStore } from '../state/state-store';
import { BlendingPolicy, DEFAULT_BLENDING_POLICY, claimRulesFor, clonePolicy } from './blending-policy';
import {
  LullVerdict,
  VoiceLaneState,
  effectiveCapacity,
  lullVerdict,
  readyForCall,
  rulesForAgent,
  slaGuardAt,
  underCap,
} from './blending-rules';

/** Timer kind: an email lane's head reaches its SLA guard while no event would route it. */
export const SLA_GUARD_TIMER = 'blending-sla-guard';

const FREE_PAGE = 200;

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

  /** Agent side: the lanes among `lanes` this agent may be offered work from now. */
  async lanesForAgent(profile: AgentProfile, lanes: LaneInfo[], now: number): Promise<LaneInfo[]> {
    this.decided();
    const live = await this.store.getAgent(profile.id);
    if (!live || lanes.length === 0) return lanes;
    const policy = this.current;
    const rules = rulesForAgent(policy, profile.id);
    const capacity = effectiveCapacity(profile.capacity, rules.caps);
    let out = lanes.filter((lane) => capacity[lane.channel] > 0 && underCap(live, lane.channel, rules.caps));
    if (policy.voiceReserveAgents > 0 && out.some((lane) => lane.channel !== 'voice') && this.holdsReserve(live, capacity.voice, rules.caps)) {
      if ((await this.readyForCallCount(policy.voiceReserveAgents)) <= policy.voiceReserveAgents) {
        out = out.filter((lane) => lane.channel === 'voice');
      }
    }
    const emailLanes = out.filter((lane) => lane.channel === 'email');
    if (emailLanes.length === 0) return out;
    const voiceLanes = capacity.voice > 0 ? lanes.filter((lane) => lane.channel === 'voice') : [];
    const [heads, sizes] = await Promise.all([
      this.store.laneHeads([...voiceLanes, ...emailLanes].map((lane) => lane.key), 1),
      this.store.laneSizes(voiceLanes.map((lane) => lane.key)),
    ]);
    const states = voiceLanes.map((lane, i) => this.voiceState(lane, sizes[i], heads[i][0]?.score ?? null));
    const verdict = lullVerdict(capacity.voice > 0 ? states.filter((s): s is VoiceLaneState => s !== null) : null, rules, now);
    if (verdict.lull) return out;
    // Outside a lull: only the email lanes whose head has reached its SLA guard.
    const held = new Set<string>();
    emailLanes.forEach((lane, i) => {
      const head = heads[voiceLanes.length + i][0];
      const queue = this.directory.queue(lane.queueId);
      if (!head || !queue) return held.add(lane.key);
      const guardAt = slaGuardAt(head.score, queue, rules.guardPercent);
      if (guardAt > now) {
        held.add(lane.key);
        void this.armGuard(lane.key, guardAt);
      }
    });
    return out.filter((lane) => !held.has(lane.key));
  }

  /**
   * Task side: the candidates (already ranked) the task in `lane`, scored
   * `score`, may be offered to now. Same rules as the agent side.
   */
  async candidatesForTask(lane: LaneInfo, agentIds: string[], score: number, now: number): Promise<string[]> {
    this.decided();
    if (agentIds.length === 0) return agentIds;
    const policy = this.current;
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
