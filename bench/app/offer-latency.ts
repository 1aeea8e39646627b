import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { RedisStateStore } from '../../src/state/redis/redis-state-store';
import { machineBusySampler, postgresCpuSeconds, processCpuSeconds } from '../support/cpu';
import { PlainRedis, commandCalls, redisCpuSeconds } from '../support/redis-probe';
import { percentile, sleep } from '../support/stats';
import { AgentActivity, CHAT_QUEUE, OfferFrame } from './floor';

/**
 * Offer latency through the real app. A task's latency runs from just before
 * its POST /api/tasks to the receipt of its `offer` frame by the agent's
 * socket.io client (the task carries `attributes.benchRun/benchSeq`, so the
 * frame names its task even when it beats the POST's answer). The bench, the
 * app, Redis and Postgres share the machine and loopback.
 *
 * - open loop: tasks sent on a fixed schedule (arrival rate), whatever the
 *   app answers; every run is bounded in time and followed by a quiet period
 *   so its leftovers do not load the next one. When more than
 *   `overloadLimit` tasks are waiting for their offer the app cannot keep up:
 *   sending stops (the run is marked overloaded) so the bench stays bounded;
 * - closed loop: `concurrency` senders, each waiting for its task's offer
 *   before sending the next: the rate the app sustains.
 *
 * POSTs go through one keep-alive HTTP agent of at most 64 connections, as an
 * integrator's client would; a POST waiting for a free connection counts in
 * its task's latency.
 */
export interface LatencyResult {
  sent: number;
  offers: number;
  missing: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** POST /api/tasks answer time (ms). */
  postP50: number;
  postP99: number;
  httpErrors: number;
  /** Tasks sent per second (the schedule slips when the bench's own loop is late). */
  sentPerSecond: number;
  /** Offers received per second, from the first POST to the last offer received. */
  offersPerSecond: number;
  appCpuCores: number;
  redisCpuCores: number;
  benchCpuCores: number;
  machineBusy: number;
  /** The Postgres server for the bench database (its backends and the background processes). */
  postgresCpuCores: number;
  /** Redis commands per offered task during the run (all commands; and HGETALL alone), from INFO commandstats. */
  redisCommandsPerTask: number;
  redisHgetallPerTask: number;
  /** Postgres transactions (each autocommit statement is one) in the bench database per offered task, from pg_stat_database. */
  postgresTransactionsPerTask: number;
  /** CPU milliseconds per offered task: the app, Postgres, Redis, the bench (the load generator and the agents' clients). */
  cpuMsPerTask: { app: number; postgres: number; redis: number; bench: number };
  /** Sending stopped early: more than `overloadLimit` tasks were waiting for their offer. */
  overloadedAfterSeconds: number | null;
  /** The app was still busy with this run's tasks when the quiet period ran out. */
  leftBusy: boolean;
}

interface Run {
  id: string;
  sentAt: number[];
  latencies: number[];
  postTimes: number[];
  httpErrors: number;
  waiters: Map<number, () => void>;
  inFlightPosts: number;
  lastOfferAt: number;
}

const HTTP_CONNECTIONS = 64;

export class OfferDriver {
  private readonly http = new Agent({ keepAlive: true, maxSockets: HTTP_CONNECTIONS });
  private runs = 0;
  private current: Run | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly activity: AgentActivity,
    private readonly store: RedisStateStore,
    private readonly chatLaneKey: () => string,
    private readonly appPid: number,
    private readonly probe: PlainRedis,
    private readonly database: string,
    private readonly pg: Client,
  ) {
    activity.onOffer = (frame, at) => this.onOffer(frame, at);
  }

  /** Sends `rate` tasks/s for `durationMs`, waits at most `drainMs` for the offers, then for the app to be quiet. */
  async openLoop(rate: number, durationMs: number, drainMs: number, overloadLimit: number): Promise<LatencyResult> {
    const planned = Math.round((rate * durationMs) / 1000);
    let sent = 0;
    let overloadedAfter: number | null = null;
    return this.measure(
      async (run) => {
        const start = performance.now();
        while (sent < planned) {
          if (sent - run.latencies.length > overloadLimit) {
            overloadedAfter = (performance.now() - start) / 1000;
            break;
          }
          const due = Math.min(planned, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
          while (sent < due) void this.post(run, sent++);
          if (sent < planned) await sleep(1);
        }
        const sendSeconds = (performance.now() - start) / 1000;
        const deadline = performance.now() + drainMs;
        while (performance.now() < deadline && (run.latencies.length < sent || run.inFlightPosts > 0)) await sleep(20);
        return sendSeconds;
      },
      () => sent,
      () => overloadedAfter,
    );
  }

  /** `concurrency` senders for `durationMs`, each sending its next task once the previous one's offer arrived. */
  async closedLoop(concurrency: number, durationMs: number): Promise<LatencyResult> {
    let next = 0;
    return this.measure(async (run) => {
      const start = performance.now();
      const end = start + durationMs;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end) {
            const seq = next++;
            const offered = new Promise<void>((resolve) => run.waiters.set(seq, resolve));
            void this.post(run, seq);
            await Promise.race([offered, sleep(10_000)]);
          }
        }),
      );
      return (performance.now() - start) / 1000;
    }, () => next, () => null);
  }

  private async measure(
    drive: (run: Run) => Promise<number>,
    sentCount: () => number,
    overloadedAfter: () => number | null,
  ): Promise<LatencyResult> {
    const run: Run = { id: `run-${++this.runs}-${Date.now()}`, sentAt: [], latencies: [], postTimes: [], httpErrors: 0, waiters: new Map(), inFlightPosts: 0, lastOfferAt: 0 };
    this.current = run;
    const appCpu0 = processCpuSeconds(this.appPid);
    const redisCpu0 = await redisCpuSeconds(this.probe);
    const postgresCpu0 = postgresCpuSeconds(this.database);
    const calls0 = await commandCalls(this.probe);
    const transactions0 = await this.postgresTransactions();
    const benchCpu0 = process.cpuUsage();
    const machine = machineBusySampler();
    const start = performance.now();
    const sendSeconds = await drive(run);
    const elapsed = (performance.now() - start) / 1000;
    const machineBusy = machine();
    const benchCpu = process.cpuUsage(benchCpu0);
    const appCpu = processCpuSeconds(this.appPid) - appCpu0;
    const redisCpu = (await redisCpuSeconds(this.probe)) - redisCpu0;
    const postgresCpu = postgresCpuSeconds(this.database) - postgresCpu0;
    const calls1 = await commandCalls(this.probe);
    const delta = (command?: string): number =>
      [...calls1].filter(([name]) => !command || name === command).reduce((sum, [name, n]) => sum + n - (calls0.get(name) ?? 0), 0);
    const total = sentCount();
    const latencies = run.latencies;
    const leftBusy = !(await this.quiet(run, 30_000));
    // Backends report their counters to pg_stat_database at most once a second.
    await sleep(1100);
    const transactions = (await this.postgresTransactions()) - transactions0 - 1;
    const perTask = (x: number): number => x / Math.max(1, latencies.length);
    const result: LatencyResult = {
      sent: total,
      offers: latencies.length,
      missing: total - latencies.length,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      postP50: percentile(run.postTimes, 50),
      postP99: percentile(run.postTimes, 99),
      httpErrors: run.httpErrors,
      sentPerSecond: total / sendSeconds,
      offersPerSecond: latencies.length / Math.max(sendSeconds, (run.lastOfferAt - start) / 1000),
      appCpuCores: appCpu / elapsed,
      redisCpuCores: redisCpu / elapsed,
      benchCpuCores: (benchCpu.user + benchCpu.system) / 1e6 / elapsed,
      machineBusy,
      postgresCpuCores: postgresCpu / elapsed,
      redisCommandsPerTask: perTask(delta()),
      redisHgetallPerTask: perTask(delta('hgetall')),
      postgresTransactionsPerTask: perTask(transactions),
      cpuMsPerTask: {
        app: perTask(appCpu * 1000),
        postgres: perTask(postgresCpu * 1000),
        redis: perTask(redisCpu * 1000),
        bench: perTask(((benchCpu.user + benchCpu.system) / 1e6) * 1000),
      },
      overloadedAfterSeconds: overloadedAfter(),
      leftBusy,
    };
    this.current = null;
    return result;
  }

  private async postgresTransactions(): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [this.database]);
    return Number(rows[0]?.n ?? Number.NaN);
  }

  /** Waits until no POST of the run is in flight, no chat task is queued and every offer was answered. */
  private async quiet(run: Run, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const [queued] = await this.store.laneSizes([this.chatLaneKey()]);
      if (run.inFlightPosts === 0 && queued === 0 && this.activity.inFlight === 0) return true;
      await sleep(100);
    }
    return false;
  }

  private async post(run: Run, seq: number): Promise<void> {
    run.inFlightPosts++;
    run.sentAt[seq] = performance.now();
    try {
      const status = await this.postTask(JSON.stringify({ channel: 'chat', queue: CHAT_QUEUE, attributes: { benchRun: run.id, benchSeq: seq } }));
      if (status !== 201) run.httpErrors++;
    } catch (error) {
      run.httpErrors++;
      if (run.httpErrors <= 3) process.stderr.write(`POST /api/tasks failed: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      run.postTimes.push(performance.now() - run.sentAt[seq]);
      run.inFlightPosts--;
    }
  }

  private postTask(body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}/api/tasks`,
        {
          method: 'POST',
          agent: this.http,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${this.token}` },
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error('POST /api/tasks: no answer within 30 s')));
      req.once('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.http.destroy();
  }

  private onOffer(frame: OfferFrame, at: number): void {
    const run = this.current;
    const attributes = frame.task.attributes ?? {};
    if (!run || attributes.benchRun !== run.id) return;
    const seq = Number(attributes.benchSeq);
    run.latencies.push(at - run.sentAt[seq]);
    run.lastOfferAt = at;
    run.waiters.get(seq)?.();
    run.waiters.delete(seq);
  }
}
