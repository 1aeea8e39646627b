import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { createClient } from 'redis';
import { Channel, ChannelCounts } from '../../tasks/channel';
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
import { CLAIM_LOOKAHEAD } from '../memory/memory-state-store';
import { LuaReply, LuaScriptRunner, RedisConnection, readLuaScripts } from './lua-scripts';
import {
  RedisKeyLayout,
  asRecord,
  errorCode,
  parseAgent,
  parseLaneInfo,
  parseOffer,
  parseQueued,
  parseTimers,
  redisKeyLayout,
  timerMember,
} from './redis-codec';

export interface RedisStateStoreOptions {
  /** `redis://` or `rediss://` URL of the server shared by every app node. */
  url: string;
  /**
   * Prefix of every key and pub/sub channel (default `acd:`). On Redis Cluster
   * use a hash tag such as `{acd}:` so that every script's keys share a slot.
   */
  prefix?: string;
  /** Directory of the `.lua` scripts (default: `lua/` beside this file, copied to dist by the build). */
  luaDir?: string;
}

export const DEFAULT_REDIS_PREFIX = 'acd:';

/**
 * A task's rejecter hash outlives its longest cooldown by this much: a safety
 * net for rejecters whose 'reject-cooldown' timer was cancelled (the timer
 * normally prunes them), tolerant of clock skew between nodes and Redis.
 */
const REJECTERS_TTL_MARGIN_MS = 60_000;

/** Why an offer primitive returned null, by the scripts' error codes (for debug logs). */
const OFFER_ERRORS: Record<number, string> = { [-1]: 'no such offer', [-2]: 'offer not pending', [-3]: 'offer held by another agent' };
const CLAIM_NEXT_ERRORS: Record<number, ClaimFailure> = { [-1]: 'agent-unavailable', [-2]: 'no-task' };

/**
 * The state store on Redis, safe with any number of app nodes: every
 * multi-key mutation is one Lua script (src/state/redis/lua), run by EVALSHA.
 * Scripts derive secondary keys from the prefix (as bullmq does), so on a
 * cluster the prefix must carry a hash tag.
 *
 * Two connections: one for commands and scripts, one subscriber for timer
 * notifications and topics (a subscribed connection cannot run commands).
 */
export class RedisStateStore implements StateStore {
  private readonly logger = new Logger(RedisStateStore.name);
  private readonly prefix: string;
  private readonly keys: RedisKeyLayout;
  private readonly client: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly scripts: LuaScriptRunner;
  private readonly timerListeners: Array<(dueAt: number) => void> = [];
  private readonly topicListeners = new Map<string, Array<(message: string) => void>>();
  private connecting: Promise<void> | undefined;
  private readonly reconnectListeners: Array<() => void> = [];
  private connectedOnce = false;

  constructor(options: RedisStateStoreOptions) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.keys = redisKeyLayout(this.prefix);
    this.client = createClient({ url: options.url });
    this.subscriber = this.client.duplicate();
    // Without a listener node-redis rethrows connection errors as uncaught; it reconnects by itself.
    this.client.on('error', (error: unknown) => this.logger.warn(`redis connection error: ${String(error)}`));
    this.subscriber.on('error', (error: unknown) => this.logger.warn(`redis subscriber error: ${String(error)}`));
    this.scripts = new LuaScriptRunner(this.client, readLuaScripts(options.luaDir ?? path.join(__dirname, 'lua')));
  }

  // ---- lifecycle ------------------------------------------------------------------

  async init(): Promise<{ fresh: boolean }> {
    // Shared by concurrent callers; forgotten on failure so a later init() retries.
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    return { fresh: await this.isFresh() };
  }

  async markInitialized(): Promise<void> {
    await this.client.set(this.keys.initialized, String(Date.now()));
  }

  async isFresh(): Promise<boolean> {
    return (await this.client.exists(this.keys.initialized)) === 0;
  }

  async close(): Promise<void> {
    const open = [this.subscriber, this.client].filter((connection) => connection.isOpen);
    await Promise.all(open.map((connection) => connection.quit()));
  }

  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch (error) {
      this.logger.warn(`ping failed: ${String(error)}`);
      return false;
    }
  }

  /** Runs a script that does nothing: the raw EVALSHA round trip, for benchmarks. */
  async rawEvalshaRoundTrip(): Promise<void> {
    await this.scripts.run('noop', [], []);
  }

  private async connect(): Promise<void> {
    // node-redis reconnects by itself and says 'ready' each time; after the first, the data may be gone.
    this.client.on('ready', () => {
      if (!this.connectedOnce) return;
      this.logger.warn('redis connection restored');
      for (const listener of this.reconnectListeners) listener();
    });
    await Promise.all([this.client.connect(), this.subscriber.connect()]);
    this.connectedOnce = true;
    await this.scripts.loadAll();
    await this.subscriber.subscribe(this.keys.timerChannel, (message) => this.emitTimerScheduled(Number(message)));
  }

  // ---- agents -------------------------------------------------------------------------

  async putAgent(agentId: string, capacity: ChannelCounts, now: number): Promise<LiveAgent> {
    const reply = await this.run('put-agent', [this.keys.agent(agentId), this.keys.agents], [
      agentId, String(now), String(capacity.voice), String(capacity.chat), String(capacity.email),
    ]);
    return this.agentReply(agentId, reply) as LiveAgent;
  }

  async restoreAgent(agent: LiveAgent): Promise<void> {
    await this.run('restore-agent', [this.keys.agent(agent.agentId), this.keys.agents], [
      agent.agentId, agent.state, agent.reason === null ? '0' : '1', agent.reason ?? '',
      String(agent.since), String(agent.idleSince),
      String(agent.capacity.voice), String(agent.capacity.chat), String(agent.capacity.email),
      String(agent.load.voice), String(agent.load.chat), String(agent.load.email),
    ]);
  }

  async removeAgent(agentId: string): Promise<void> {
    await this.run('remove-agent', [this.keys.agent(agentId), this.keys.agents], [agentId]);
  }

  async getAgent(agentId: string): Promise<LiveAgent | null> {
    return parseAgent(agentId, await this.client.hGetAll(this.keys.agent(agentId)));
  }

  async getAgents(agentIds: string[]): Promise<Array<LiveAgent | null>> {
    // Issued in the same tick, node-redis pipelines them in one round trip.
    return Promise.all(agentIds.map((agentId) => this.getAgent(agentId)));
  }

  async listAgents(): Promise<LiveAgent[]> {
    const agents = await this.getAgents(await this.client.sMembers(this.keys.agents));
    return agents.filter((agent): agent is LiveAgent => agent !== null);
  }

  async setPresence(agentId: string, state: PresenceState, reason: string | null, now: number): Promise<LiveAgent | null> {
    return this.presence(agentId, null, state, reason, now);
  }

  async setPresenceIf(
    agentId: string,
    expected: PresenceState,
    expectedSince: number | null,
    state: PresenceState,
    reason: string | null,
    now: number,
  ): Promise<LiveAgent | null> {
    return this.presence(agentId, { state: expected, since: expectedSince }, state, reason, now);
  }

  async listFreeAgents(channel: Channel, offset: number, limit: number): Promise<string[]> {
    // ZRANGE with stop = offset - 1 would mean "to the end" for offset 0.
    if (limit <= 0) return [];
    return this.client.zRange(this.keys.free(channel), offset, offset + limit - 1);
  }

  async countFreeAgents(channel: Channel): Promise<number> {
    return this.client.zCard(this.keys.free(channel));
  }

  async releaseLoad(agentId: string, channel: Channel, now: number): Promise<LiveAgent | null> {
    const reply = await this.run('release-load', [this.keys.agent(agentId)], [agentId, channel, String(now)]);
    return this.agentReply(agentId, reply);
  }

  // ---- lanes --------------------------------------------------------------------------

  async registerLane(lane: LaneInfo): Promise<boolean> {
    return this.client.hSetNX(this.keys.lanes, lane.key, JSON.stringify(lane));
  }

  async listLanes(): Promise<LaneInfo[]> {
    return (await this.client.hVals(this.keys.lanes)).map(parseLaneInfo);
  }

  async enqueue(task: QueuedTask): Promise<void> {
    await this.run('enqueue', [this.keys.queued, this.keys.lane(task.laneKey)], [task.taskId, task.laneKey, String(task.score)]);
  }

  async dequeue(taskId: string): Promise<boolean> {
    return (await this.run('dequeue', [this.keys.queued], [taskId])) === 1;
  }

  async findQueued(taskId: string): Promise<QueuedTask | null> {
    const value = await this.client.hGet(this.keys.queued, taskId);
    return value === undefined || value === null ? null : parseQueued(taskId, value);
  }

  async laneHeads(laneKeys: string[], n: number): Promise<QueuedTask[][]> {
    if (n <= 0) return laneKeys.map(() => []);
    return Promise.all(
      laneKeys.map(async (laneKey) =>
        (await this.client.zRangeWithScores(this.keys.lane(laneKey), 0, n - 1)).map(({ value, score }) => ({ taskId: value, laneKey, score })),
      ),
    );
  }

  async laneSizes(laneKeys: string[]): Promise<number[]> {
    return Promise.all(laneKeys.map((laneKey) => this.client.zCard(this.keys.lane(laneKey))));
  }

  // ---- claims ---------------------------------------------------------------------------

  async claimNextTask(agentId: string, lanes: LaneRef[], rules: ClaimRules, now: number, policy: ClaimPolicy = {}): Promise<LiveOffer | ClaimFailure> {
    const voiceLanes = policy.lull?.voiceLanes ?? [];
    const keys = [this.keys.agent(agentId), ...lanes.map((lane) => this.keys.lane(lane.key)), ...voiceLanes.map((lane) => this.keys.lane(lane.key))];
    const cap = (channel: Channel): string => {
      const value = policy.caps?.[channel];
      return value === undefined || value === null ? '' : String(value);
    };
    const args = [
      agentId, String(now), randomUUID(), blockersJson(rules), String(CLAIM_LOOKAHEAD), String(lanes.length),
      cap('voice'), cap('chat'), cap('email'),
      policy.lull ? String(policy.lull.maxWaiting) : '', policy.lull ? String(policy.lull.maxWaitMs) : '',
      policy.guardTimerKind ?? '',
    ];
    for (const lane of lanes) {
      args.push(lane.key, lane.channel, String(now + lane.offerTimeoutMs), lane.guardOffsetMs === undefined ? '' : String(lane.guardOffsetMs));
    }
    for (const lane of voiceLanes) args.push(String(lane.enqueueOffsetMs));
    const reply = await this.run('claim-next-task', keys, args);
    const code = errorCode(reply);
    if (code !== undefined) {
      const failure = CLAIM_NEXT_ERRORS[code];
      if (!failure) throw new Error(`claim-next-task: unknown error code ${code}`);
      return failure;
    }
    return this.offerFrom(reply) as LiveOffer;
  }

  async claimAgentForTask(
    taskId: string,
    agentIds: string[],
    lane: LaneRef,
    rules: ClaimRules,
    now: number,
  ): Promise<LiveOffer | null> {
    if (agentIds.length === 0) return null;
    const reply = await this.run('claim-agent-for-task', [this.keys.queued], [
      taskId, lane.channel, String(now + lane.offerTimeoutMs), randomUUID(), String(now), blockersJson(rules), ...agentIds,
    ]);
    // -1: the task is not queued, -2: no candidate can take it; both are "no offer".
    return errorCode(reply) === undefined ? this.offerFrom(reply) : null;
  }

  // ---- offers ---------------------------------------------------------------------------

  async getOffer(offerId: string): Promise<LiveOffer | null> {
    return parseOffer(await this.client.hGetAll(this.keys.offer(offerId)));
  }

  async agentOffers(agentId: string): Promise<LiveOffer[]> {
    const reply = await this.run('agent-offers', [this.keys.agentOffers(agentId)], []);
    if (!Array.isArray(reply)) throw new Error('agent-offers: expected a list');
    const offers = reply.map((item) => this.offerFrom(item)).filter((offer): offer is LiveOffer => offer !== null);
    // A Redis set has no order; oldest first, as offers were made.
    return offers.sort((a, b) => a.createdAt - b.createdAt || (a.offerId < b.offerId ? -1 : 1));
  }

  async taskOffer(taskId: string): Promise<LiveOffer | null> {
    return this.offerFrom(await this.run('task-offer', [this.keys.taskOffer(taskId)], []));
  }

  async acceptOffer(offerId: string, agentId: string): Promise<LiveOffer | null> {
    return this.offerOrNull('accept', offerId, await this.run('accept-offer', [this.keys.offer(offerId)], [offerId, agentId]));
  }

  async rejectOffer(offerId: string, agentId: string, cooldownMs: number, now: number): Promise<LiveOffer | null> {
    const until = cooldownMs > 0 ? String(now + cooldownMs) : '';
    const reply = await this.run('reject-offer', [this.keys.offer(offerId)], [
      offerId, agentId, String(now), until, String(Math.max(0, cooldownMs) + REJECTERS_TTL_MARGIN_MS),
    ]);
    return this.offerOrNull('reject', offerId, reply);
  }

  async expireOffer(offerId: string, now: number): Promise<LiveOffer | null> {
    const reply = await this.run('expire-offer', [this.keys.offer(offerId)], [offerId, String(now), NO_ANSWER_REASON]);
    return this.offerOrNull('expire', offerId, reply);
  }

  async revokeOffer(offerId: string, now: number): Promise<LiveOffer | null> {
    return this.offerOrNull('revoke', offerId, await this.run('revoke-offer', [this.keys.offer(offerId)], [offerId, String(now)]));
  }

  async revokeTaskOffer(taskId: string, now: number): Promise<LiveOffer | null> {
    const reply = await this.run('revoke-task-offer', [this.keys.taskOffer(taskId)], [String(now)]);
    return errorCode(reply) === undefined ? this.offerFrom(reply) : null;
  }

  async restoreOffer(offer: LiveOffer): Promise<void> {
    await this.run('restore-offer', [this.keys.offer(offer.offerId)], [
      offer.offerId, offer.taskId, offer.agentId, offer.channel, offer.laneKey,
      String(offer.score), String(offer.createdAt), String(offer.expiresAt), offer.status,
    ]);
  }

  // ---- timers ---------------------------------------------------------------------------

  async scheduleTimer(kind: TimerKind, id: string, dueAt: number): Promise<void> {
    await this.run('schedule-timer', [this.keys.timers], [timerMember(kind, id), String(dueAt)]);
  }

  async cancelTimer(kind: TimerKind, id: string): Promise<void> {
    await this.client.zRem(this.keys.timers, timerMember(kind, id));
  }

  async claimDueTimers(now: number, limit: number): Promise<DueTimer[]> {
    if (limit <= 0) return [];
    return parseTimers(await this.run('claim-due-timers', [this.keys.timers], [String(now), String(limit)]));
  }

  async nextTimerDue(): Promise<number | null> {
    const [first] = await this.client.zRangeWithScores(this.keys.timers, 0, 0);
    return first ? first.score : null;
  }

  onTimerScheduled(listener: (dueAt: number) => void): void {
    this.timerListeners.push(listener);
  }

  // ---- messaging and leases ---------------------------------------------------------------

  async publish(topic: string, message: string): Promise<void> {
    await this.client.publish(this.keys.topic(topic), message);
  }

  async subscribe(topic: string, listener: (message: string) => void): Promise<void> {
    const listeners = this.topicListeners.get(topic);
    if (listeners) {
      listeners.push(listener);
      return;
    }
    this.topicListeners.set(topic, [listener]);
    await this.subscriber.subscribe(this.keys.topic(topic), (message) => {
      for (const each of this.topicListeners.get(topic) ?? []) this.callSafely(`topic ${topic}`, () => each(message));
    });
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.run('acquire-lease', [this.keys.lease(name)], [owner, String(ttlMs)], false)) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.run('release-lease', [this.keys.lease(name)], [owner], false);
  }

  // ---- internals --------------------------------------------------------------------------

  /** Runs a script; most take the prefix as ARGV[1] to derive their secondary keys. */
  private run(name: string, keys: string[], args: string[], withPrefix = true): Promise<LuaReply> {
    return this.scripts.run(name, keys, withPrefix ? [this.prefix, ...args] : args);
  }

  private async presence(
    agentId: string,
    expected: { state: PresenceState; since: number | null } | null,
    state: PresenceState,
    reason: string | null,
    now: number,
  ): Promise<LiveAgent | null> {
    const reply = await this.run('set-presence', [this.keys.agent(agentId)], [
      agentId, state, reason === null ? '0' : '1', reason ?? '', String(now),
      expected ? '1' : '0', expected?.state ?? '', expected?.since === null || !expected ? '' : String(expected.since),
    ]);
    return this.agentReply(agentId, reply);
  }

  /** An agent HGETALL reply, or null for an error code (unknown agent, unexpected state). */
  private agentReply(agentId: string, reply: LuaReply): LiveAgent | null {
    return errorCode(reply) === undefined ? parseAgent(agentId, asRecord(reply)) : null;
  }

  private offerFrom(reply: LuaReply): LiveOffer | null {
    return parseOffer(asRecord(reply));
  }

  private offerOrNull(action: string, offerId: string, reply: LuaReply): LiveOffer | null {
    const code = errorCode(reply);
    if (code === undefined) return this.offerFrom(reply);
    this.logger.debug(`${action} ${offerId}: ${OFFER_ERRORS[code] ?? `error ${code}`}`);
    return null;
  }

  private emitTimerScheduled(dueAt: number): void {
    for (const listener of this.timerListeners) this.callSafely('timer listener', () => listener(dueAt));
  }

  private callSafely(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error(`${what} failed: ${String(error)}`);
    }
  }
}

/** The rules object is one per policy version: serialise it once, not on every claim. */
const blockersCache = new WeakMap<ClaimRules, string>();
function blockersJson(rules: ClaimRules): string {
  let json = blockersCache.get(rules);
  if (json === undefined) {
    json = JSON.stringify(rules.blockers);
    blockersCache.set(rules, json);
  }
  return json;
}

/** Builds a Redis state store (not connected yet: call `init()`). */
export function createRedisStateStore(options: RedisStateStoreOptions): RedisStateStore {
  return new RedisStateStore(options);
}
