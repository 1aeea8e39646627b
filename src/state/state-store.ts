import { Channel, ChannelCounts } from '../tasks/channel';
import { PresenceState } from '../presence/presence-state';

/**
 * The state store port: the live, shared state of the floor (presence, load,
 * queue ordering, offers with expiry, timers) and the atomic primitives the
 * routing policy is built on. Routing *policy* lives once, in TypeScript
 * (src/routing); only these primitives are implemented per store:
 *
 *  - RedisStateStore (src/state/redis): Lua scripts, safe with many app nodes;
 *  - MemoryStateStore (src/state/memory): single process, the embedded default.
 *
 * One contract suite (src/state/state-store.contract.ts) runs against both.
 *
 * Vocabulary:
 *  - a **lane** is an ordered backlog of queued tasks that share a queue and a
 *    skill set (the queue's skills plus the task's own); lanes are sorted sets
 *    scored by the task's virtual deadline (lower = served first). Lane keys are
 *    opaque strings chosen by the routing layer.
 *  - an agent is **free on a channel** when its presence is `available` and its
 *    load on that channel is below its capacity. The store keeps, per channel,
 *    the free agents ordered by `idleSince` (longest idle first).
 *  - an **offer** reserves one queued task for one agent until it is accepted,
 *    rejected, revoked or expires; it counts in the agent's load from the moment
 *    it is made, so capacity can never be overrun.
 *
 * All times are epoch milliseconds passed in by the caller (`now`), so the
 * stores never read a clock of their own and tests are deterministic.
 */
export interface LiveAgent {
  agentId: string;
  state: PresenceState;
  reason: string | null;
  /** When the presence state last changed. */
  since: number;
  /** Last time the agent became available or dropped to zero load: longest idle is served first. */
  idleSince: number;
  capacity: ChannelCounts;
  load: ChannelCounts;
}

export interface LiveOffer {
  offerId: string;
  taskId: string;
  agentId: string;
  channel: Channel;
  /** The lane the task was taken from, and its score: a rejected or expired offer puts it back there unchanged. */
  laneKey: string;
  score: number;
  createdAt: number;
  expiresAt: number;
  /** `pending` until the agent accepts; accepted offers are kept until the task is released. */
  status: 'pending' | 'accepted';
}

/** A lane the claim may take from; the offer timeout is that of the lane's queue. */
export interface LaneRef {
  key: string;
  channel: Channel;
  offerTimeoutMs: number;
  /**
   * Set for deferrable work (email under the lull rule): outside a lull (see
   * `ClaimPolicy.lull`) a task of this lane is taken only once
   * `score + guardOffsetMs <= now`, the moment it reaches its SLA guard.
   */
  guardOffsetMs?: number;
}

/** A voice lane whose waiting calls decide the lull rule. */
export interface LullLane {
  key: string;
  /** A head's enqueue time is its score minus this (the virtual deadline's SLA part). */
  enqueueOffsetMs: number;
}

/**
 * The blending policy's part of an agent-side claim, applied by the store in
 * the same atomic step as the claim (so a decision is one round trip):
 *  - `caps`: per-channel limits on the agent's load, on top of its capacity;
 *  - `lull`: lanes with a `guardOffsetMs` are taken from only while at most
 *    `maxWaiting` calls wait in `voiceLanes` and the oldest has waited at
 *    most `maxWaitMs`, or once their task reached its guard; absent, it is
 *    always a lull (the agent takes no calls);
 *  - `guardTimerKind`: when a deferrable task is held back, the timer
 *    (`guardTimerKind`, laneKey) is scheduled at its guard time (rounded up),
 *    so it goes out then even if nothing else happens.
 */
export interface ClaimPolicy {
  caps?: Partial<Record<Channel, number>>;
  lull?: { voiceLanes: LullLane[]; maxWaiting: number; maxWaitMs: number };
  guardTimerKind?: TimerKind;
}

/** Descriptor of a lane, shared by all nodes through the store. */
export interface LaneInfo {
  key: string;
  queueId: string;
  channel: Channel;
  /** Union of the queue's required skills and the task's own, sorted. */
  skills: string[];
  /** Set for personal lanes (tasks waiting for their preferred agent). */
  preferredAgentId?: string;
}

/**
 * Exclusivity rules, decided by policy (routing/blending) and enforced
 * atomically by the store: to be offered work on channel C, the agent's load
 * must be zero on every channel in `blockers[C]`.
 * Example: voice is exclusive → blockers.voice = ['chat','email'], and
 * blockers.chat = blockers.email = ['voice'].
 */
export interface ClaimRules {
  blockers: Record<Channel, Channel[]>;
}

export interface QueuedTask {
  taskId: string;
  laneKey: string;
  score: number;
}

export interface DueTimer {
  kind: TimerKind;
  id: string;
  dueAt: number;
}

/**
 * Kinds of timers the store keeps. Each (kind, id) is scheduled at most once;
 * rescheduling moves it. Timers live in the store, not in a process, so a
 * node that dies leaves its timers for the others.
 */
export type TimerKind =
  | 'offer-expiry' // id = offerId; scheduled by the claim primitives themselves
  | 'wrapup-end' // id = agentId
  | 'preference-end' // id = taskId: release a task from its preferred agent's lane
  | 'reject-cooldown' // id = taskId: re-route after the rejecting agents may be asked again
  | 'disconnect-grace' // id = agentId: socket dropped, go offline when due
  | string;

export type ClaimFailure = 'no-task' | 'agent-unavailable';

export interface StateStore {
  /**
   * Connects and loads scripts. `fresh` is true when the store holds no live
   * state for this deployment (first start, in-process store after a restart,
   * Redis flushed): the caller must then rebuild it from Postgres.
   */
  init(): Promise<{ fresh: boolean }>;
  /** Marks the store as rebuilt: `init()` and `isFresh()` answer false from now on. */
  markInitialized(): Promise<void>;
  /** True when the live state has been lost since `markInitialized` (e.g. Redis restarted without persistence). */
  isFresh(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * Called when the store's connection comes back after it was lost (not on the
   * first connect). The live data may be gone (a Redis restart without
   * persistence): the caller checks `isFresh()` and rebuilds.
   */
  onReconnected(listener: () => void): void;
  /** Round-trip health check. */
  ping(): Promise<boolean>;

  // ---- agents -------------------------------------------------------------
  /** Creates the live agent (offline, zero load) if absent, else updates its capacity. */
  putAgent(agentId: string, capacity: ChannelCounts, now: number): Promise<LiveAgent>;
  /** Writes a whole live agent (recovery). */
  restoreAgent(agent: LiveAgent): Promise<void>;
  removeAgent(agentId: string): Promise<void>;
  getAgent(agentId: string): Promise<LiveAgent | null>;
  getAgents(agentIds: string[]): Promise<Array<LiveAgent | null>>;
  /** All live agents (supervisor views, recovery checks). */
  listAgents(): Promise<LiveAgent[]>;
  /** Sets presence; becoming `available` resets `idleSince` to `now`. Null when the agent is unknown. */
  setPresence(agentId: string, state: PresenceState, reason: string | null, now: number): Promise<LiveAgent | null>;
  /**
   * Like setPresence, but only if the current state is `expected` (and, when
   * given, entered at `expectedSince`): ends a wrap-up or a grace period without
   * overwriting a newer change.
   */
  setPresenceIf(
    agentId: string,
    expected: PresenceState,
    expectedSince: number | null,
    state: PresenceState,
    reason: string | null,
    now: number,
  ): Promise<LiveAgent | null>;
  /** Free agents on `channel`, longest idle first. */
  listFreeAgents(channel: Channel, offset: number, limit: number): Promise<string[]>;
  countFreeAgents(channel: Channel): Promise<number>;
  /** Gives back one unit of load on `channel` (task completed, transferred away…). */
  releaseLoad(agentId: string, channel: Channel, now: number): Promise<LiveAgent | null>;

  // ---- lanes and queued tasks --------------------------------------------
  /** Registers a lane descriptor; true when it was new. */
  registerLane(lane: LaneInfo): Promise<boolean>;
  listLanes(): Promise<LaneInfo[]>;
  /** Adds (or re-adds, keeping the given score) a task to a lane. A task is in at most one lane. */
  enqueue(task: QueuedTask): Promise<void>;
  /** Removes a queued task from its lane; false when it was not queued. */
  dequeue(taskId: string): Promise<boolean>;
  /** Where a queued task is, or null when it is not queued. */
  findQueued(taskId: string): Promise<QueuedTask | null>;
  /** The first `n` tasks of each lane, in order. */
  laneHeads(laneKeys: string[], n: number): Promise<QueuedTask[][]>;
  laneSizes(laneKeys: string[]): Promise<number[]>;

  // ---- claims (the only way a task becomes offered) ----------------------
  /**
   * Agent-side decision: among the heads of `lanes`, skipping tasks this agent
   * rejected during their cooldown, takes the one with the lowest score whose
   * channel the agent may work now (presence available, load below capacity
   * and below the policy's caps, blockers at zero) and that the policy's lull
   * rule lets out, removes it from its lane, adds one unit of load, creates a
   * pending offer and schedules its 'offer-expiry' timer. Atomic, and one
   * round trip on a networked store. Reads one head per lane (a few more only
   * past tasks this agent rejected).
   */
  claimNextTask(agentId: string, lanes: LaneRef[], rules: ClaimRules, now: number, policy?: ClaimPolicy): Promise<LiveOffer | ClaimFailure>;
  /**
   * Task-side decision: if `taskId` is still queued, offers it to the first of
   * `agentIds` (already ranked by policy) who may take it now and has not
   * rejected it during its cooldown. Atomic. Null when the task is not queued
   * or no candidate can take it.
   */
  claimAgentForTask(
    taskId: string,
    agentIds: string[],
    lane: LaneRef,
    rules: ClaimRules,
    now: number,
  ): Promise<LiveOffer | null>;

  // ---- offers ---------------------------------------------------------------
  getOffer(offerId: string): Promise<LiveOffer | null>;
  /** Offers (pending and accepted) held by an agent. */
  agentOffers(agentId: string): Promise<LiveOffer[]>;
  /** The offer currently held for a task, if any. */
  taskOffer(taskId: string): Promise<LiveOffer | null>;
  /** Pending → accepted, if the offer is pending and the agent's; cancels the expiry timer. */
  acceptOffer(offerId: string, agentId: string, now: number): Promise<LiveOffer | null>;
  /**
   * Agent says no: drops the pending offer, gives the load back, puts the task
   * back in its lane with its old score, and remembers the agent as a rejecter
   * of the task for `cooldownMs` (a 'reject-cooldown' timer is scheduled).
   */
  rejectOffer(offerId: string, agentId: string, cooldownMs: number, now: number): Promise<LiveOffer | null>;
  /**
   * Ring-out (RONA): if still pending, drops the offer, gives the load back,
   * re-queues the task with its old score and sets the agent `away` with
   * reason `no-answer`.
   */
  expireOffer(offerId: string, now: number): Promise<LiveOffer | null>;
  /**
   * Drops an offer (pending or accepted) without re-queueing the task: the task
   * was canceled, abandoned, transferred or completed. Gives the load back.
   */
  revokeOffer(offerId: string, now: number): Promise<LiveOffer | null>;
  /** `taskOffer` then `revokeOffer`, in one atomic step: drops the offer held for a task, if any. */
  revokeTaskOffer(taskId: string, now: number): Promise<LiveOffer | null>;
  /** Recovery: re-creates an accepted offer (a task assigned before the store was lost). */
  restoreOffer(offer: LiveOffer): Promise<void>;

  // ---- timers -----------------------------------------------------------------
  scheduleTimer(kind: TimerKind, id: string, dueAt: number): Promise<void>;
  cancelTimer(kind: TimerKind, id: string): Promise<void>;
  /** Atomically removes and returns up to `limit` timers due at `now`: each is handed to exactly one caller. */
  claimDueTimers(now: number, limit: number): Promise<DueTimer[]>;
  nextTimerDue(): Promise<number | null>;
  /** Called on every node when a timer earlier than all others is scheduled anywhere. */
  onTimerScheduled(listener: (dueAt: number) => void): void;

  // ---- messaging and leases ----------------------------------------------
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, listener: (message: string) => void): Promise<void>;
  /** Takes or renews a named lease for `owner`; true when `owner` holds it now. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
}

export const STATE_STORE = Symbol('STATE_STORE');
