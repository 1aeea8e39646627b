import { performance } from 'node:perf_hooks';
import { Report } from '../support/report';
import { redisUsedMemory } from '../support/redis-probe';
import { formatCount, formatMb, formatMs, sleep } from '../support/stats';
import { postgresInsertRate } from '../limits/machine-limits';
import { ensureDistLuaScripts } from './app-process';
import { AppSession } from './app-session';
import { LatencyResult } from './offer-latency';

/**
 * Parts 3 and 4, each on its own real app process (`node dist/main.js`) with
 * a fresh database and Redis prefix:
 *  - part 3, offer latency: 100 agents; the standing backlog grows 100 →
 *    10 000 → 100 000 queued tasks in place; at each backlog, a run at 500
 *    tasks/s (the target) and one at half the app's measured throughput;
 *  - part 4, memory: a process that only ever sees a normal floor (100 000
 *    queued tasks, 1 000 agents online, traffic at a rate it sustains), so its
 *    peak RSS is the floor's and not the aftermath of part 3's overload.
 */
const LATENCY_AGENTS = 100;
const RSS_AGENTS = 1000;
const RATE = 500;
const DURATION_MS = 6000;
const WARMUP_MS = 1500;
const DRAIN_MS = 6000;
const CLOSED_LOOP_CONCURRENCY = 16;
/** Tasks waiting for their offer beyond which the app is declared overloaded and sending stops. */
const OVERLOAD_LIMIT = 250;
const P99_TARGET_MS = 20;
const RSS_TARGET_BYTES = 400 * 1024 * 1024;

type Log = (line: string) => void;
type MemorySample = { rss: number; peakRss: number };

/** Without part 3, part 4's traffic runs at this rate (half a typical measured throughput). */
const DEFAULT_MODERATE_RATE = 100;

export async function runAppBench(report: Report, log: Log, backlogs: number[], parts = { latency: true, memory: true }): Promise<void> {
  const luaWarning = ensureDistLuaScripts();
  if (luaWarning) {
    log(`WARNING ${luaWarning}`);
    report.note(luaWarning);
  }
  const moderateRate = parts.latency ? await offerLatency(report, log, backlogs) : DEFAULT_MODERATE_RATE;
  if (parts.memory) await memory(report, log, backlogs[backlogs.length - 1], moderateRate);
}

/** Part 3; returns the moderate rate (half the measured throughput) for part 4's traffic. */
async function offerLatency(report: Report, log: Log, backlogs: number[]): Promise<number> {
  const started = performance.now();
  const session = await AppSession.start(async (database) => {
    // The Postgres limit, on the bench database before the app uses it.
    const pgRate = await postgresInsertRate(database.url, 2000);
    log(`Postgres single-row INSERT, sequential: ${formatCount(pgRate)}/s`);
    report.limit('1 limits', 'Postgres single-row INSERT commit, sequential', `${formatCount(pgRate)} /s`);
  });
  try {
    const { app, floor, driver } = session;
    log(`app ready (pid ${app.pid}, ${app.baseUrl}) ${((performance.now() - started) / 1000).toFixed(1)} s after start`);
    report.limit('1 limits', 'HTTP GET /health/live on the app, sequential p50', formatMs(await healthLatency(app.baseUrl)));
    await floor.createAgents(LATENCY_AGENTS);
    await timed(log, `${LATENCY_AGENTS} agents logged in, connected, available`, () => floor.bringOnline(floor.agents, 8));

    const runs: Array<{ backlog: number; target: LatencyResult; moderate: LatencyResult }> = [];
    let moderateRate = 0;
    for (const backlog of backlogs) {
      const fill = await floor.growBacklog(backlog);
      log(`backlog ${formatCount(backlog)} queued email tasks (grown in ${fill.toFixed(1)} s)`);
      if (runs.length === 0) {
        await driver.closedLoop(CLOSED_LOOP_CONCURRENCY, WARMUP_MS);
        const unloaded = await driver.closedLoop(1, 3000);
        log(`closed loop, 1 in flight: ${describe(unloaded)}`);
        report.info('3 offer latency', `unloaded (1 task at a time), backlog ${formatCount(backlog)}: p50 / p99`, `${formatMs(unloaded.p50)} / ${formatMs(unloaded.p99)}`);
        const sustained = await driver.closedLoop(CLOSED_LOOP_CONCURRENCY, 4000);
        log(`closed loop, ${CLOSED_LOOP_CONCURRENCY} in flight: ${describe(sustained)}`);
        report.info('3 offer latency', `app throughput (closed loop, ${CLOSED_LOOP_CONCURRENCY} in flight)`, `${formatCount(sustained.offersPerSecond)} tasks/s`);
        report.info('3 offer latency', '  CPU then: app / Postgres / Redis / bench', cpuLine(sustained));
        report.info('3 offer latency', '  CPU ms per task then: app / Postgres / Redis / bench', cpuPerTaskLine(sustained));
        report.info('3 offer latency', '  Redis commands per task then (of which HGETALL); Postgres transactions per task', `${redisLine(sustained)}; ${sustained.postgresTransactionsPerTask.toFixed(1)}`);
        moderateRate = Math.max(5, Math.round(sustained.offersPerSecond / 2));
      }
      const moderate = await driver.openLoop(moderateRate, DURATION_MS, DRAIN_MS, OVERLOAD_LIMIT);
      log(`offer latency at ${moderateRate}/s, backlog ${formatCount(backlog)}: ${describe(moderate)}`);
      const target = await driver.openLoop(RATE, DURATION_MS, DRAIN_MS, OVERLOAD_LIMIT);
      log(`offer latency at ${RATE}/s, backlog ${formatCount(backlog)}: ${describe(target)}`);
      runs.push({ backlog, target, moderate });
    }
    for (const { backlog, target } of runs) {
      report.check(
        '3 offer latency',
        `p50 / p99 at ${RATE}/s, ${LATENCY_AGENTS} agents, backlog ${formatCount(backlog)}`,
        `p99 ≤ ${P99_TARGET_MS} ms`,
        `${formatMs(target.p50)} / ${formatMs(target.p99)}${lost(target)}`,
        target.p99 <= P99_TARGET_MS && target.missing === 0 && target.httpErrors === 0 && target.overloadedAfterSeconds === null,
      );
    }
    const last = runs[runs.length - 1].target;
    report.info('3 offer latency', `  offers/s reached at ${RATE}/s; CPU app / Postgres / Redis / bench`, `${formatCount(last.offersPerSecond)}/s; ${cpuLine(last)}`);
    for (const { backlog, moderate } of runs) {
      report.info('3 offer latency', `p50 / p99 at ${moderateRate}/s (half the throughput), backlog ${formatCount(backlog)}`, `${formatMs(moderate.p50)} / ${formatMs(moderate.p99)}${lost(moderate)}`);
    }
    const after = app.memory();
    log(`part 3 app memory at the end: VmRSS ${formatMb(after.rss)}, VmHWM ${formatMb(after.peakRss)}`);
    report.info('3 offer latency', 'app peak RSS after these runs (overload included)', formatMb(after.peakRss));
    appendActivity(report, '3 offer latency', session);
    report.note(
      `Offer latency: one app process (LOG_LEVEL=warn), ${LATENCY_AGENTS} agents (chat capacity 1, accept + complete each offer at once, wrap-up 0); ` +
        `tasks POSTed open-loop for ${DURATION_MS / 1000} s over a keep-alive pool of 64 connections; latency = just before POST /api/tasks → 'offer' frame at the agent's client. ` +
        `A run stops sending when more than ${OVERLOAD_LIMIT} tasks wait for their offer ("overloaded"). ` +
        'Backlog: email tasks in a queue whose skill no agent has (they stay queued), grown 100 → 10 000 → 100 000 in the same store; ' +
        "first task via the API, the rest via one INSERT … SELECT generate_series into Postgres plus the store's enqueue. " +
        'Agents: one INSERT … SELECT into Postgres (bcrypt cost 4) + DirectoryService.agentChanged, then real logins, sockets and presence:set. ' +
        'Postgres CPU = the backends of the bench database + the server background processes.',
    );
    return moderateRate;
  } finally {
    await session.close();
  }
}

/** Part 4: a fresh process with 100 000 queued tasks and 1 000 agents online, then traffic at a sustainable rate. */
async function memory(report: Report, log: Log, backlog: number, rate: number): Promise<void> {
  const session = await AppSession.start();
  try {
    const { app, floor, driver } = session;
    const samples: Array<[string, MemorySample]> = [['after boot', app.memory()]];
    await floor.growBacklog(backlog);
    samples.push([`${formatCount(backlog)} queued`, app.memory()]);
    await floor.createAgents(RSS_AGENTS);
    await timed(log, `${formatCount(RSS_AGENTS)} agents logged in, connected, available`, () => floor.bringOnline(floor.agents, 16));
    await sleep(1000);
    samples.push([`+ ${formatCount(RSS_AGENTS)} agents online`, app.memory()]);
    const traffic = await driver.openLoop(rate, DURATION_MS, DRAIN_MS, OVERLOAD_LIMIT);
    log(`traffic at ${rate}/s with ${RSS_AGENTS} agents online, backlog ${formatCount(backlog)}: ${describe(traffic)}`);
    const final = app.memory();
    samples.push([`+ ${DURATION_MS / 1000} s of traffic at ${rate}/s`, final]);
    for (const [stage, sample] of samples) log(`app memory, ${stage}: VmRSS ${formatMb(sample.rss)}, VmHWM ${formatMb(sample.peakRss)}`);

    for (const [stage, sample] of samples) report.info('4 memory', `app VmRSS ${stage}`, formatMb(sample.rss));
    report.check(
      '4 memory',
      `app peak RSS (VmHWM): ${formatCount(RSS_AGENTS)} sockets + ${formatCount(backlog)} queued + traffic`,
      `< ${formatMb(RSS_TARGET_BYTES)}`,
      formatMb(final.peakRss),
      final.peakRss < RSS_TARGET_BYTES,
    );
    report.info('4 memory', `offer p50 / p99 then (${rate}/s, ${formatCount(RSS_AGENTS)} agents online)`, `${formatMs(traffic.p50)} / ${formatMs(traffic.p99)}${lost(traffic)}`);
    report.info('4 memory', '  CPU then: app / Postgres / Redis / bench', cpuLine(traffic));
    report.info('4 memory', '  CPU ms per task then: app / Postgres / Redis / bench', cpuPerTaskLine(traffic));
    report.info('4 memory', '  Redis commands per task then (of which HGETALL); Postgres transactions per task', `${redisLine(traffic)}; ${traffic.postgresTransactionsPerTask.toFixed(1)}`);
    report.info('4 memory', 'Redis used_memory (whole server)', formatMb(await redisUsedMemory(session.probe)));
    appendActivity(report, '4 memory', session);
  } finally {
    await session.close();
  }
}

function appendActivity(report: Report, section: string, session: AppSession): void {
  const { activity, app } = session;
  const failures = [...activity.failures.values()].reduce((sum, n) => sum + n, 0);
  const list = activity.failures.size === 0 ? '' : ` (${[...activity.failures].map(([code, n]) => `${code} ×${n}`).join(', ')})`;
  const logs = app.logCounts();
  report.info(section, '  offers accepted + completed / failed; app ERROR / WARN lines', `${formatCount(activity.completed)} / ${formatCount(failures)}${list}; ${logs.errors} / ${logs.warnings}`);
}

async function timed(log: Log, what: string, work: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await work();
  log(`${what} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

async function healthLatency(baseUrl: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}/health/live`);
    await response.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function redisLine(r: LatencyResult): string {
  return `${formatCount(r.redisCommandsPerTask)} (${formatCount(r.redisHgetallPerTask)})`;
}

function cpuPerTaskLine(r: LatencyResult): string {
  const { app, postgres, redis, bench } = r.cpuMsPerTask;
  return `${app.toFixed(2)} / ${postgres.toFixed(2)} / ${redis.toFixed(2)} / ${bench.toFixed(2)} ms`;
}

function cpuLine(r: LatencyResult): string {
  return `${r.appCpuCores.toFixed(2)} / ${r.postgresCpuCores.toFixed(2)} / ${r.redisCpuCores.toFixed(2)} / ${r.benchCpuCores.toFixed(2)} cores`;
}

/** Overload, offers that never came within the run's bound, failed POSTs: any of them makes the figure a miss. */
function lost(r: LatencyResult): string {
  const parts = [
    r.overloadedAfterSeconds !== null ? `overloaded: sending stopped after ${r.overloadedAfterSeconds.toFixed(1)} s` : '',
    r.missing > 0 ? `${r.missing} of ${r.sent} not offered in time` : '',
    r.httpErrors > 0 ? `${r.httpErrors} POST errors` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function describe(r: LatencyResult): string {
  return (
    `${r.offers}/${r.sent} offers (${formatCount(r.offersPerSecond)}/s), p50 ${formatMs(r.p50)}, p90 ${formatMs(r.p90)}, p99 ${formatMs(r.p99)}, max ${formatMs(r.max)}; ` +
    `POST p50 ${formatMs(r.postP50)} p99 ${formatMs(r.postP99)}, ${r.httpErrors} HTTP errors, sent ${formatCount(r.sentPerSecond)}/s` +
    (r.overloadedAfterSeconds !== null ? ` (overloaded, stopped after ${r.overloadedAfterSeconds.toFixed(1)} s)` : '') +
    `; Redis ${formatCount(r.redisCommandsPerTask)} commands/task (${formatCount(r.redisHgetallPerTask)} HGETALL), Postgres ${r.postgresTransactionsPerTask.toFixed(1)} transactions/task` +
    `; CPU ms/task app ${r.cpuMsPerTask.app.toFixed(2)} postgres ${r.cpuMsPerTask.postgres.toFixed(2)} redis ${r.cpuMsPerTask.redis.toFixed(2)} bench ${r.cpuMsPerTask.bench.toFixed(2)}` +
    `; CPU app ${r.appCpuCores.toFixed(2)} postgres ${r.postgresCpuCores.toFixed(2)} redis ${r.redisCpuCores.toFixed(2)} bench ${r.benchCpuCores.toFixed(2)} cores, machine ${(r.machineBusy * 100).toFixed(0)}%` +
    (r.leftBusy ? '; app still busy with this run after the quiet period' : '')
  );
}
