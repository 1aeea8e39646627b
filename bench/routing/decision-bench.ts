import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Repository } from 'typeorm';
import { AgentEntity } from '../../src/agents/agent.entity';
import { BlendingService } from '../../src/blending/blending.service';
import { QueueEntity } from '../../src/queues/queue.entity';
import { DirectoryService, QueueProfile } from '../../src/routing/directory.service';
import { TimerService } from '../../src/routing/timer.service';
import { RedisStateStore } from '../../src/state/redis/redis-state-store';
import { ClaimFailure, LaneInfo, LiveOffer } from '../../src/state/state-store';
import { Channel } from '../../src/tasks/channel';
import { machineBusySampler } from '../support/cpu';
import { EvalshaCounters, PlainRedis, evalshaCounters, redisCpuSeconds } from '../support/redis-probe';
import { percentile } from '../support/stats';

/**
 * Agent-side routing decisions per second at a given backlog, on the real
 * RedisStateStore.
 *
 * One decision is exactly what `RoutingService.routeAgent` does per offer,
 * minus the delivery (Postgres writes and the socket emit, measured end to end
 * by the offer-latency bench):
 *   1. the real `DirectoryService.lanesForAgent(profile)` (lanes whose skills
 *      and channel capacity the agent has);
 *   2. the real `BlendingService.claimPlan(profile, lanes, now)`: the live
 *      blending policy turned into the claim's lanes (`LaneRef`s with the
 *      offer timeout of their queue, and the SLA guard offset of the email
 *      lanes) and the claim policy (caps, lull rule over the voice lanes),
 *      without reading the store (the default policy keeps no voice reserve);
 *   3. `store.claimNextTask(...)`: one atomic Lua script that reads the head
 *      of every eligible lane, applies the policy (caps, lull rule, SLA
 *      guard), takes the best, and creates the offer (load, offer hash and
 *      indexes, expiry timer). One round trip per decision.
 * To keep the backlog constant, each decision is followed by
 * `store.revokeOffer` and `store.enqueue` of the same task at the tail of its
 * lane (a later score). The rate counts whole cycles (decide + revoke +
 * re-enqueue = 3 scripts), so it understates the decision rate alone.
 *
 * One bench per backlog, each with its own store (key prefix), lanes and
 * agents on the same Redis, all filled before anything is timed; the caller interleaves their
 * windows (bench A, B, C, then A, B, C again…), so a slow patch of the
 * machine falls on every backlog rather than on whichever ran then. Rates
 * are the best of those short windows: other processes only ever slow a
 * window down, so the best one is the least disturbed estimate (every
 * window's rate is printed in the log).
 */

export interface DecisionBenchOptions {
  lanes: number;
  agents: number;
  loops: number;
  /** Names this bench's queues and skills apart from the other benches sharing the store (one per backlog). */
  tag: string;
}

export interface DecisionResult {
  perLane: number;
  totalQueued: number;
  /** Whole cycles per second with `loops` concurrent loops, backlog exactly constant: the best window (the main figure). */
  cyclesPerSecond: number;
  cycleWindowRates: number[];
  /** Latency of the claim call alone in the concurrent run (µs). */
  claimP50Us: number;
  claimP99Us: number;
  /** Decisions alone: bursts of one claim per agent, all in flight, timed; restore between bursts untimed. */
  burstClaimsPerSecond: number;
  burstWindowRates: number[];
  /** One loop, claim calls only timed: decisions per second of a single sequential caller. */
  sequentialClaimsPerSecond: number;
  /** Server-side execution time per script, from INFO commandstats around bursts of one kind (µs; least disturbed window). */
  serverUs: { claim: number; revoke: number; enqueue: number };
  /** Redis CPU during the concurrent window, in cores (INFO cpu). */
  redisCpuCores: number;
  /** CPU of this (client) process during the concurrent window, in cores. */
  clientCpuCores: number;
  /** Share of all the machine's cores busy during the concurrent window (every process). */
  machineBusy: number;
  /** Lane sizes after the measurement equal `perLane` (backlog held constant). */
  backlogConstant: boolean;
  fillSeconds: number;
}

interface BurstResult {
  claimsPerSecond: number;
  serverUs: DecisionResult['serverUs'];
}

const CHANNEL_OF_LANE: Channel[] = ['chat', 'chat', 'chat', 'email', 'email'];

/** A read-only stand-in for a TypeORM repository: DirectoryService only calls find() at reload. */
function listRepository<T extends object>(rows: T[]): Repository<T> {
  return { find: async () => rows, findOneBy: async () => null } as unknown as Repository<T>;
}

export class DecisionBench {
  private readonly queues: QueueProfile[];
  private readonly agents: AgentEntity[];
  private readonly directory: DirectoryService;
  private readonly blending: BlendingService;
  private lanes: LaneInfo[] = [];
  private readonly nextSeq = new Map<string, number>();
  private readonly laneIndex = new Map<string, number>();
  private readonly scoreBase = Date.now();
  private perLane = 0;
  private readonly claims: number[] = [];
  private readonly cycleRates: number[] = [];
  private readonly burstResults: BurstResult[] = [];
  private sequentialRate = 0;
  /** CPU over the cycle windows: Redis, this process, the machine's busy share (weighted by time). */
  private readonly cpu = { elapsedMs: 0, redisSeconds: 0, clientSeconds: 0, machineBusyMs: 0 };

  constructor(
    private readonly store: RedisStateStore,
    private readonly probe: PlainRedis,
    private readonly options: DecisionBenchOptions,
  ) {
    this.queues = Array.from({ length: options.lanes }, (_, i) => ({
      id: randomUUID(),
      name: `bench-${options.tag}-q${i}`,
      channel: CHANNEL_OF_LANE[i % CHANNEL_OF_LANE.length],
      skills: [`${options.tag}-skill${i}`],
      priority: 0,
      slaSeconds: 60,
      wrapUpSeconds: 0,
      offerTimeoutSeconds: 20,
      preferredAgentTimeoutSeconds: 30,
    }));
    const skills = Object.fromEntries(this.queues.map((queue, i) => [queue.skills[0], 1 + (i % 10)]));
    this.agents = Array.from({ length: options.agents }, (_, i) =>
      Object.assign(new AgentEntity(), {
        id: randomUUID(),
        name: `bench ${options.tag} agent ${i}`,
        email: `bench-${options.tag}-${i}@bench.local`,
        role: 'agent',
        skills,
        capacity: { voice: 0, chat: 1, email: 1 },
        extension: null,
      }),
    );
    this.directory = new DirectoryService(
      listRepository(this.agents),
      listRepository(this.queues as unknown as QueueEntity[]),
      store,
    );
    // The default policy (no caps, no voice reserve); these agents take no calls, so the lull rule never holds their email back.
    this.blending = new BlendingService(store, this.directory, new TimerService(store));
  }

  /** Lanes registered through the directory (as the app does), agents live and available. */
  async setUp(): Promise<void> {
    for (const queue of this.queues) await this.directory.ensureLane(this.directory.generalLaneFor(queue, []));
    await this.directory.reloadAll();
    this.lanes = this.queues.map((queue) => this.directory.generalLaneFor(queue, []));
    this.lanes.forEach((lane, i) => {
      this.laneIndex.set(lane.key, i);
      this.nextSeq.set(lane.key, 0);
    });
    for (const agent of this.agents) {
      await this.directory.agentChanged(agent);
      await this.store.setPresence(agent.id, 'available', null, Date.now());
    }
    const eligible = this.directory.lanesForAgent(this.directory.agent(this.agents[0].id)!);
    if (eligible.length !== this.options.lanes) throw new Error(`agents are eligible for ${eligible.length} lanes, expected ${this.options.lanes}`);
  }

  /** Grows every lane to `perLane` tasks (pipelined enqueues), returns seconds spent. */
  async fillTo(perLane: number): Promise<number> {
    const start = performance.now();
    const add = perLane - this.perLane;
    const batch = 4000;
    for (let done = 0; done < add; ) {
      const n = Math.min(batch, add - done);
      const writes: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        for (const lane of this.lanes) writes.push(this.store.enqueue({ taskId: randomUUID(), laneKey: lane.key, score: this.tailScore(lane.key) }));
      }
      await Promise.all(writes);
      done += n;
    }
    this.perLane = perLane;
    const sizes = await this.store.laneSizes(this.lanes.map((lane) => lane.key));
    if (sizes.some((size) => size !== perLane)) throw new Error(`lanes hold ${sizes.join(', ')} tasks, expected ${perLane} each`);
    return (performance.now() - start) / 1000;
  }

  /** Warm-up (JIT, connection, Redis caches), not counted. */
  async warmUp(): Promise<void> {
    await this.runLoops(this.options.loops, performance.now() + 500, () => undefined);
  }

  /**
   * One timed window of the concurrent cycle run (`loops` loops, backlog
   * constant). The caller interleaves the windows of the benches it compares,
   * so a slow patch of a shared machine lands on all of them, not on one.
   */
  async cycleWindow(durationMs: number): Promise<number> {
    const redisCpuBefore = await redisCpuSeconds(this.probe);
    const cpuBefore = process.cpuUsage();
    const machine = machineBusySampler();
    let cycles = 0;
    const windowStart = performance.now();
    await this.runLoops(this.options.loops, windowStart + durationMs, (claimUs) => {
      this.claims.push(claimUs);
      cycles++;
    });
    const elapsedMs = performance.now() - windowStart;
    const cpu = process.cpuUsage(cpuBefore);
    this.cpu.elapsedMs += elapsedMs;
    this.cpu.redisSeconds += (await redisCpuSeconds(this.probe)) - redisCpuBefore;
    this.cpu.clientSeconds += (cpu.user + cpu.system) / 1e6;
    this.cpu.machineBusyMs += machine() * elapsedMs;
    const rate = (cycles / elapsedMs) * 1000;
    this.cycleRates.push(rate);
    return rate;
  }

  /** One window of decisions alone (see `bursts`). */
  async burstWindow(timedMs: number): Promise<number> {
    const burst = await this.bursts(timedMs);
    this.burstResults.push(burst);
    return burst.claimsPerSecond;
  }

  /** One sequential caller, only the claim timed: the per-caller ceiling set by the round trip. */
  async sequentialRun(durationMs: number): Promise<void> {
    let claimTimeUs = 0;
    let sequential = 0;
    await this.runLoops(1, performance.now() + durationMs, (claimUs) => {
      claimTimeUs += claimUs;
      sequential++;
    });
    this.sequentialRate = (sequential / claimTimeUs) * 1e6;
  }

  /** The figures of every window run so far: rates are the best window (other processes only ever slow one down). */
  async result(fillSeconds: number): Promise<DecisionResult> {
    const bursts = this.burstResults;
    const sizes = await this.store.laneSizes(this.lanes.map((lane) => lane.key));
    const least = (pick: (b: BurstResult) => number): number => Math.min(...bursts.map(pick));
    const seconds = this.cpu.elapsedMs / 1000;
    return {
      perLane: this.perLane,
      totalQueued: this.perLane * this.lanes.length,
      cyclesPerSecond: Math.max(...this.cycleRates),
      cycleWindowRates: this.cycleRates,
      claimP50Us: percentile(this.claims, 50),
      claimP99Us: percentile(this.claims, 99),
      burstClaimsPerSecond: Math.max(...bursts.map((b) => b.claimsPerSecond)),
      burstWindowRates: bursts.map((b) => b.claimsPerSecond),
      sequentialClaimsPerSecond: this.sequentialRate,
      serverUs: { claim: least((b) => b.serverUs.claim), revoke: least((b) => b.serverUs.revoke), enqueue: least((b) => b.serverUs.enqueue) },
      redisCpuCores: this.cpu.redisSeconds / seconds,
      clientCpuCores: this.cpu.clientSeconds / seconds,
      machineBusy: this.cpu.machineBusyMs / this.cpu.elapsedMs,
      backlogConstant: sizes.every((size) => size === this.perLane),
      fillSeconds,
    };
  }

  /**
   * Decisions alone: every agent claims once, all in flight at the same time
   * (timed); then the offers are revoked and the tasks re-enqueued at their
   * lane's tail (untimed). The backlog dips by at most one task per agent
   * during a burst. INFO commandstats around each phase gives the server-side
   * time of each script.
   */
  private async bursts(timedMs: number): Promise<BurstResult> {
    let timed = 0;
    let claims = 0;
    const server = { claim: { calls: 0, usec: 0 }, revoke: { calls: 0, usec: 0 }, enqueue: { calls: 0, usec: 0 } };
    const add = (into: EvalshaCounters, before: EvalshaCounters, after: EvalshaCounters): void => {
      into.calls += after.calls - before.calls;
      into.usec += after.usec - before.usec;
    };
    while (timed < timedMs) {
      const c0 = await evalshaCounters(this.probe);
      const t0 = performance.now();
      const offers = await Promise.all(this.agents.map((agent) => this.decide(agent.id)));
      timed += performance.now() - t0;
      const c1 = await evalshaCounters(this.probe);
      const made = offers.filter((offer): offer is LiveOffer => typeof offer !== 'string');
      if (made.length !== offers.length) throw new Error(`burst: ${offers.length - made.length} decisions found no task`);
      claims += made.length;
      await Promise.all(made.map((offer) => this.store.revokeOffer(offer.offerId, Date.now())));
      const c2 = await evalshaCounters(this.probe);
      await Promise.all(made.map((offer) => this.store.enqueue({ taskId: offer.taskId, laneKey: offer.laneKey, score: this.tailScore(offer.laneKey) })));
      const c3 = await evalshaCounters(this.probe);
      add(server.claim, c0, c1);
      add(server.revoke, c1, c2);
      add(server.enqueue, c2, c3);
    }
    const perCall = (c: EvalshaCounters): number => c.usec / Math.max(1, c.calls);
    return {
      claimsPerSecond: (claims / timed) * 1000,
      serverUs: { claim: perCall(server.claim), revoke: perCall(server.revoke), enqueue: perCall(server.enqueue) },
    };
  }

  /** `loops` concurrent loops, each cycling over its own agents until `end`; `onCycle` gets the claim time in µs. */
  private async runLoops(loops: number, end: number, onCycle: (claimUs: number) => void): Promise<void> {
    const perLoop = Math.floor(this.agents.length / loops);
    await Promise.all(
      Array.from({ length: loops }, async (_, l) => {
        const mine = this.agents.slice(l * perLoop, (l + 1) * perLoop);
        for (let i = 0; performance.now() < end; i++) onCycle(await this.cycle(mine[i % mine.length].id));
      }),
    );
  }

  private async cycle(agentId: string): Promise<number> {
    const t0 = performance.now();
    const result = await this.decide(agentId);
    const claimUs = (performance.now() - t0) * 1000;
    if (typeof result === 'string') throw new Error(`decision for ${agentId} failed: ${result}`);
    // Put the backlog back as it was: the task goes to the tail of its lane.
    await this.store.revokeOffer(result.offerId, Date.now());
    await this.store.enqueue({ taskId: result.taskId, laneKey: result.laneKey, score: this.tailScore(result.laneKey) });
    return claimUs;
  }

  /** The agent-side decision, exactly as RoutingService.routeAgent takes it for one offer. */
  private async decide(agentId: string): Promise<LiveOffer | ClaimFailure> {
    const profile = this.directory.agent(agentId);
    if (!profile) throw new Error(`agent ${agentId} unknown to the directory`);
    const lanes = this.directory.lanesForAgent(profile);
    const plan = await this.blending.claimPlan(profile, lanes, Date.now());
    return this.store.claimNextTask(agentId, plan.lanes, plan.rules, Date.now(), plan.policy);
  }

  /** Scores interleave across lanes (lane i gets base + k·lanes + i), so decisions rotate over every lane. */
  private tailScore(laneKey: string): number {
    const seq = this.nextSeq.get(laneKey) as number;
    this.nextSeq.set(laneKey, seq + 1);
    return this.scoreBase + seq * this.options.lanes + (this.laneIndex.get(laneKey) as number);
  }
}
