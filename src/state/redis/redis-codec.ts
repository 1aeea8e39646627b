import { CHANNELS, Channel, ChannelCounts, isChannel } from '../../tasks/channel';
import { PRESENCE_STATES, PresenceState } from '../../presence/presence-state';
import { DueTimer, LaneInfo, LiveAgent, LiveOffer, QueuedTask } from '../state-store';
import { LuaReply } from './lua-scripts';

/**
 * Key layout of the Redis store, all under one prefix (the Lua includes build
 * the same names from the prefix; keep both in step).
 */
export interface RedisKeyLayout {
  agent(agentId: string): string;
  /** SET of all live agent ids. */
  agents: string;
  /** ZSET of free agents on a channel, score = idleSince. */
  free(channel: Channel): string;
  /** ZSET of queued task ids, score = virtual deadline. */
  lane(laneKey: string): string;
  /** HASH taskId → `laneKey|score` for every queued task. */
  queued: string;
  /** HASH laneKey → LaneInfo JSON. */
  lanes: string;
  offer(offerId: string): string;
  /** SET of the offer ids an agent holds. */
  agentOffers(agentId: string): string;
  /** STRING: the offer id held for a task. */
  taskOffer(taskId: string): string;
  /** HASH agentId → cooldown end (ms). */
  rejecters(taskId: string): string;
  /** ZSET member `kind|id`, score = dueAt. */
  timers: string;
  lease(name: string): string;
  /** Present once recovery rebuilt the live state; its absence means the data was lost. */
  initialized: string;
  /** Pub/sub channel carrying the dueAt of a timer that became the earliest. */
  timerChannel: string;
  topic(topic: string): string;
}

export function redisKeyLayout(prefix: string): RedisKeyLayout {
  return {
    agent: (agentId) => `${prefix}agent:${agentId}`,
    agents: `${prefix}agents`,
    free: (channel) => `${prefix}free:${channel}`,
    lane: (laneKey) => `${prefix}lane:${laneKey}`,
    queued: `${prefix}queued`,
    lanes: `${prefix}lanes`,
    offer: (offerId) => `${prefix}offer:${offerId}`,
    agentOffers: (agentId) => `${prefix}agent-offers:${agentId}`,
    taskOffer: (taskId) => `${prefix}task-offer:${taskId}`,
    rejecters: (taskId) => `${prefix}rejecters:${taskId}`,
    timers: `${prefix}timers`,
    lease: (name) => `${prefix}lease:${name}`,
    initialized: `${prefix}initialized`,
    timerChannel: `${prefix}timer-scheduled`,
    topic: (topic) => `${prefix}topic:${topic}`,
  };
}

export const timerMember = (kind: string, id: string): string => `${kind}|${id}`;

/** A script's error code (a negative integer), or undefined when the reply is data. */
export function errorCode(reply: LuaReply): number | undefined {
  return typeof reply === 'number' && reply < 0 ? reply : undefined;
}

export function asStrings(reply: LuaReply): string[] {
  if (!Array.isArray(reply)) throw new Error(`expected a list reply, got ${typeof reply}`);
  return reply.map((item) => {
    if (typeof item === 'string') return item;
    if (Buffer.isBuffer(item)) return item.toString('utf8');
    throw new Error(`expected a string in the list reply, got ${typeof item}`);
  });
}

/** An HGETALL reply (flat field, value list) as a record. */
export function asRecord(reply: LuaReply): Record<string, string> {
  const flat = asStrings(reply);
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

const isPresenceState = (value: string): value is PresenceState => (PRESENCE_STATES as readonly string[]).includes(value);

function counts(hash: Record<string, string>, field: 'cap' | 'load'): ChannelCounts {
  const out = {} as ChannelCounts;
  for (const channel of CHANNELS) out[channel] = Number(hash[`${field}.${channel}`] ?? 0);
  return out;
}

/** An agent hash, or null when it does not exist (HGETALL gives an empty record). */
export function parseAgent(agentId: string, hash: Record<string, string>): LiveAgent | null {
  if (hash.state === undefined) return null;
  if (!isPresenceState(hash.state)) throw new Error(`agent ${agentId}: bad state ${hash.state}`);
  return {
    agentId,
    state: hash.state,
    reason: hash.reason ?? null,
    since: Number(hash.since),
    idleSince: Number(hash.idleSince),
    capacity: counts(hash, 'cap'),
    load: counts(hash, 'load'),
  };
}

export function parseOffer(hash: Record<string, string>): LiveOffer | null {
  if (hash.offerId === undefined) return null;
  const { channel, status } = hash;
  if (!isChannel(channel)) throw new Error(`offer ${hash.offerId}: bad channel ${channel}`);
  if (status !== 'pending' && status !== 'accepted') throw new Error(`offer ${hash.offerId}: bad status ${status}`);
  return {
    offerId: hash.offerId,
    taskId: hash.taskId,
    agentId: hash.agentId,
    channel,
    laneKey: hash.laneKey,
    score: Number(hash.score),
    createdAt: Number(hash.createdAt),
    expiresAt: Number(hash.expiresAt),
    status,
  };
}

/** A `laneKey|score` entry of the queued index (lane keys may hold bars; scores never do). */
export function parseQueued(taskId: string, value: string): QueuedTask {
  const bar = value.lastIndexOf('|');
  return { taskId, laneKey: value.slice(0, bar), score: Number(value.slice(bar + 1)) };
}

/** A flat `member, dueAt, …` list of `kind|id` timers. */
export function parseTimers(reply: LuaReply): DueTimer[] {
  const flat = asStrings(reply);
  const timers: DueTimer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const bar = flat[i].indexOf('|');
    timers.push({ kind: flat[i].slice(0, bar), id: flat[i].slice(bar + 1), dueAt: Number(flat[i + 1]) });
  }
  return timers;
}

export function parseLaneInfo(raw: string): LaneInfo {
  const value: unknown = JSON.parse(raw);
  if (typeof value !== 'object' || value === null) throw new Error(`bad lane descriptor ${raw}`);
  const lane = value as Partial<LaneInfo>;
  if (typeof lane.key !== 'string' || typeof lane.queueId !== 'string' || !isChannel(lane.channel) || !Array.isArray(lane.skills)) {
    throw new Error(`bad lane descriptor ${raw}`);
  }
  const info: LaneInfo = { key: lane.key, queueId: lane.queueId, channel: lane.channel, skills: lane.skills.map(String) };
  if (typeof lane.preferredAgentId === 'string') info.preferredAgentId = lane.preferredAgentId;
  return info;
}
