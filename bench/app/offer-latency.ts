import { performance } from 'node:perf_hooks';
import { RedisStateStore } from '../../src/state/redis/redis-state-store';
import { machineBusySampler, processCpuSeconds } from '../support/cpu';
import { PlainRedis, redisCpuSeconds } from '../support/redis-probe';
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
 *   so its leftovers do not load the next one;
 * - closed loop: `concurrency` senders, each waiting for its task's offer
 *   before sending the next: the rate the app sustains.
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
  /** Offers received per second over the run. */
  offersPerSecond: number;
  appCpuCores: number;
  redisCpuCores: number;
  benchCpuCores: number;
  machineBusy: number;
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
}

export class OfferDriver {
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
  ) {
    activity.onOffer = (frame, at) => this.onOffer(frame, at);
  }

  /** Sends `rate` tasks/s for `durationMs`, waits at most `drainMs` for the offers, then for the app to be quiet. */
  async openLoop(rate: number, durationMs: number, drainMs: number): Promise<LatencyResult> {
    const total = Math.round((rate * durationMs) / 1000);
    return this.measure(total, async (run) => {
      const start = performance.now();
      for (let sent = 0; sent < total; ) {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (sent < due) void this.post(run, sent++);
        if (sent < total) await sleep(1);
      }
      const sendSeconds = (performance.now() - start) / 1000;
      const deadline = performance.now() + drainMs;
      while (performance.now() < deadline && (run.latencies.length < total || run.inFlightPosts > 0)) await sleep(20);
      return sendSeconds;
    });
  }

  /** `concurrency` senders for `durationMs`, each sending its next task once the previous one's offer arrived. */
  async closedLoop(concurrency: number, durationMs: number): Promise<LatencyResult> {
    let next = 0;
    return this.measure(Number.NaN, async (run) => {
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
    }, () => next);
  }

  private async measure(
    plannedTotal: number,
    drive: (run: Run) => Promise<number>,
    sentCount: () => number = () => plannedTotal,
  ): Promise<LatencyResult> {
    const run: Run = { id: `run-${++this.runs}-${Date.now()}`, sentAt: [], latencies: [], postTimes: [], httpErrors: 0, waiters: new Map(), inFlightPosts: 0 };
    this.current = run;
    const appCpu0 = processCpuSeconds(this.appPid);
    const redisCpu0 = await redisCpuSeconds(this.probe);
    const benchCpu0 = process.cpuUsage();
    const machine = machineBusySampler();
    const start = performance.now();
    const sendSeconds = await drive(run);
    const elapsed = (performance.now() - start) / 1000;
    const machineBusy = machine();
    const benchCpu = process.cpuUsage(benchCpu0);
    const appCpu = processCpuSeconds(this.appPid) - appCpu0;
    const redisCpu = (await redisCpuSeconds(this.probe)) - redisCpu0;
    const total = sentCount();
    const latencies = run.latencies;
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
      offersPerSecond: latencies.length / sendSeconds,
      appCpuCores: appCpu / elapsed,
      redisCpuCores: redisCpu / elapsed,
      benchCpuCores: (benchCpu.user + benchCpu.system) / 1e6 / elapsed,
      machineBusy,
      leftBusy: !(await this.quiet(run, 15_000)),
    };
    this.current = null;
    return result;
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
      const response = await fetch(`${this.baseUrl}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ channel: 'chat', queue: CHAT_QUEUE, attributes: { benchRun: run.id, benchSeq: seq } }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) run.httpErrors++;
    } catch (error) {
      run.httpErrors++;
      if (run.httpErrors <= 3) process.stderr.write(`POST /api/tasks failed: ${error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error)}\n`);
    } finally {
      run.postTimes.push(performance.now() - run.sentAt[seq]);
      run.inFlightPosts--;
    }
  }

  private onOffer(frame: OfferFrame, at: number): void {
    const run = this.current;
    const attributes = frame.task.attributes ?? {};
    if (!run || attributes.benchRun !== run.id) return;
    const seq = Number(attributes.benchSeq);
    run.latencies.push(at - run.sentAt[seq]);
    run.waiters.get(seq)?.();
    run.waiters.delete(seq);
  }
}
