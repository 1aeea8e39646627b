import { LiveAgent, ClaimRules } from '../state/state-store';
import { CHANNELS, Channel, ChannelCounts } from '../tasks/channel';
import { BlendingPolicy, ChannelCaps } from './blending-policy';

/**
 * The blending rules as pure functions: the routing decisions (through
 * BlendingService), the statistics and the day simulation in bench/ all use
 * these, so the rule has one definition.
 */

/** What the rules need of a queue to read a lane head's age from its score. */
export interface QueueTiming {
  slaSeconds: number;
  priority: number;
}

/**
 * When a lane head entered its queue, derived from its score (a virtual
 * deadline, `enqueuedAt + slaMs / (1 + priority)`) with the queue's *base*
 * priority: the store keeps scores only, and reading the task row on every
 * decision would cost a database round trip. Exact for tasks without a
 * priority of their own; a task with extra priority is taken as older than it
 * is (its deadline was pulled forward), which errs on the side of calls (the
 * lull ends sooner) and of the SLA guard (the email is offered sooner).
 */
export function enqueuedAtFromScore(score: number, queue: QueueTiming): number {
  return score - (queue.slaSeconds * 1000) / (1 + Math.max(0, queue.priority));
}

/** The moment a waiting email reaches `percent` of its queue's SLA. */
export function slaGuardAt(score: number, queue: QueueTiming, percent: number): number {
  return enqueuedAtFromScore(score, queue) + (queue.slaSeconds * 1000 * percent) / 100;
}

/** Waiting calls of one voice lane: its size and the score of its head. */
export interface VoiceLaneState {
  waiting: number;
  headScore: number | null;
  queue: QueueTiming;
}

export interface LullThresholds {
  maxWaiting: number;
  maxWaitSeconds: number;
}

export interface LullVerdict {
  lull: boolean;
  waiting: number;
  oldestWaitSeconds: number;
  /** Why (for supervisors): 'no-calls-taken', 'calls-quiet', 'too-many-calls-waiting', 'call-waiting-too-long'. */
  reason: string;
}

/**
 * The lull rule over the voice lanes an agent can serve: a lull while at most
 * `maxWaiting` calls wait and the oldest has waited at most `maxWaitSeconds`.
 * An agent who takes no calls (no voice lane) is always in a lull.
 */
export function lullVerdict(lanes: VoiceLaneState[] | null, thresholds: LullThresholds, now: number): LullVerdict {
  if (lanes === null) return { lull: true, waiting: 0, oldestWaitSeconds: 0, reason: 'no-calls-taken' };
  let waiting = 0;
  let oldestMs = 0;
  for (const lane of lanes) {
    waiting += lane.waiting;
    if (lane.waiting > 0 && lane.headScore !== null) oldestMs = Math.max(oldestMs, now - enqueuedAtFromScore(lane.headScore, lane.queue));
  }
  const oldestWaitSeconds = Math.max(0, oldestMs / 1000);
  if (waiting > thresholds.maxWaiting) return { lull: false, waiting, oldestWaitSeconds, reason: 'too-many-calls-waiting' };
  if (waiting > 0 && oldestWaitSeconds > thresholds.maxWaitSeconds) return { lull: false, waiting, oldestWaitSeconds, reason: 'call-waiting-too-long' };
  return { lull: true, waiting, oldestWaitSeconds, reason: 'calls-quiet' };
}

/** The policy values that apply to one agent (its team's overrides over the floor's). */
export interface AgentRules extends LullThresholds {
  guardPercent: number;
  caps: ChannelCaps;
  team: string | null;
}

export function rulesForAgent(policy: BlendingPolicy, agentId: string): AgentRules {
  const team = Object.keys(policy.teams)
    .sort()
    .find((name) => policy.teams[name].members.includes(agentId));
  const override = team ? policy.teams[team] : undefined;
  return {
    maxWaiting: override?.lullMaxVoiceWaiting ?? policy.lullMaxVoiceWaiting,
    maxWaitSeconds: override?.lullMaxVoiceWaitSeconds ?? policy.lullMaxVoiceWaitSeconds,
    guardPercent: override?.emailSlaGuardPercent ?? policy.emailSlaGuardPercent,
    caps: { ...policy.channelCapacity, ...(override?.channelCapacity ?? {}) },
    team: team ?? null,
  };
}

/** The agent's capacity with the policy's caps applied. */
export function effectiveCapacity(capacity: ChannelCounts, caps: ChannelCaps): ChannelCounts {
  const out = { ...capacity };
  for (const channel of CHANNELS) {
    const cap = caps[channel];
    if (cap !== undefined && cap !== null) out[channel] = Math.min(out[channel], cap);
  }
  return out;
}

/** Has the agent room on `channel` under the policy caps (the store enforces the agent's own capacity)? */
export function underCap(agent: LiveAgent, channel: Channel, caps: ChannelCaps): boolean {
  const cap = caps[channel];
  return cap === undefined || cap === null || agent.load[channel] < cap;
}

/**
 * Could the store offer this agent a call right now (available, room on voice
 * under its capacity and the caps, nothing blocking voice)? These are the
 * agents the voice reserve keeps free.
 */
export function readyForCall(agent: LiveAgent, rules: ClaimRules, caps: ChannelCaps): boolean {
  if (agent.state !== 'available') return false;
  const capacity = effectiveCapacity(agent.capacity, caps);
  if (agent.load.voice >= capacity.voice) return false;
  return rules.blockers.voice.every((blocker) => agent.load[blocker] === 0);
}

/** The fields that differ between two policies. */
export function describeChange(before: BlendingPolicy, after: BlendingPolicy): Array<keyof BlendingPolicy> {
  const changed: Array<keyof BlendingPolicy> = [];
  for (const key of Object.keys(after) as Array<keyof BlendingPolicy>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.push(key);
  }
  return changed;
}
