import { performance } from 'node:perf_hooks';
import { ApiClient } from '../../test/support/api-client';
import { machineBusySampler, processCpuSeconds } from '../support/cpu';
import { PlainRedis, redisCpuSeconds } from '../support/redis-probe';
import { percentile, sleep } from '../support/stats';
import { AgentActivity, CHAT_QUEUE, OfferFrame } from './floor';

/**
 * Offer latency through the real app: tasks are POSTed at a fixed arrival
 * rate (open loop: the schedule does not wait for answers); the latency of a
 * task is from just before its POST /api/tasks to the receipt of its `offer`
 * frame by the agent's socket.io client. The bench, the app, Redis and
 * Postgres share the same machine and loopback.
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
  /** Tasks actually sent per second (the schedule may slip when the bench's loop is late). */
  sentPerSecond: number;
  appCpuCores: number;
  redisCpuCores: number;
  benchCpuCores: number;
  machineBusy: number;
}

export interface LatencyRunOptions {
  ratePerSecond: number;
  durationMs: number;
  /** How long to wait for the last offers after the last POST answered. */
  drainMs: number;
}

let runCounter = 0;

export async function runOfferLatency(
  admin: ApiClient,
  activity: AgentActivity,
  appPid: number,
  probe: PlainRedis,
  options: LatencyRunOptions,
): Promise<LatencyResult> {
  const run = `run-${++runCounter}-${Date.now()}`;
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const sentAt = new Array<number>(total);
  const latencies: number[] = [];
  const postTimes: number[] = [];
  let httpErrors = 0;
  let allReceived: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (allReceived = resolve));

  activity.onOffer = (frame: OfferFrame, at: number) => {
    const attributes = frame.task.attributes ?? {};
    if (attributes.benchRun !== run) return;
    const seq = Number(attributes.benchSeq);
    latencies.push(at - sentAt[seq]);
    if (latencies.length === total) allReceived();
  };

  const post = async (seq: number): Promise<void> => {
    sentAt[seq] = performance.now();
    try {
      const response = await admin.post('/api/tasks', { channel: 'chat', queue: CHAT_QUEUE, attributes: { benchRun: run, benchSeq: seq } });
      if (response.status !== 201) httpErrors++;
    } catch (error) {
      httpErrors++;
      process.stderr.write(`POST /api/tasks failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    postTimes.push(performance.now() - sentAt[seq]);
  };

  const appCpu0 = processCpuSeconds(appPid);
  const redisCpu0 = await redisCpuSeconds(probe);
  const benchCpu0 = process.cpuUsage();
  const machine = machineBusySampler();
  const start = performance.now();
  const posts: Promise<void>[] = [];
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * options.ratePerSecond) / 1000) + 1);
    while (sent < due) posts.push(post(sent++));
    if (sent < total) await sleep(1);
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(posts);
  await Promise.race([received, sleep(options.drainMs)]);
  const elapsed = (performance.now() - start) / 1000;
  const machineBusy = machine();
  const benchCpu = process.cpuUsage(benchCpu0);
  const result: LatencyResult = {
    sent: total,
    offers: latencies.length,
    missing: total - latencies.length,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    postP50: percentile(postTimes, 50),
    postP99: percentile(postTimes, 99),
    httpErrors,
    sentPerSecond: total / sendSeconds,
    appCpuCores: (processCpuSeconds(appPid) - appCpu0) / elapsed,
    redisCpuCores: ((await redisCpuSeconds(probe)) - redisCpu0) / elapsed,
    benchCpuCores: (benchCpu.user + benchCpu.system) / 1e6 / elapsed,
    machineBusy,
  };
  activity.onOffer = () => undefined;
  return result;
}
