import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createRedisStateStore } from '../../src/state/redis/redis-state-store';
import { ApiClient } from '../../test/support/api-client';
import { deleteRedisPrefix } from '../../test/support/redis';
import { BENCH_PG_URL, BENCH_REDIS_URL, LUA_DIR, benchRedisPrefix } from '../support/bench-env';
import { onCleanup } from '../support/cleanup';
import { connectPlainRedis, redisUsedMemory } from '../support/redis-probe';
import { Report } from '../support/report';
import { formatCount, formatMb, formatMs, sleep } from '../support/stats';
import { postgresInsertRate } from '../limits/machine-limits';
import { AppProcess, ensureDistLuaScripts } from './app-process';
import { createBenchDatabase } from './bench-database';
import { Floor, newActivity } from './floor';
import { LatencyResult, OfferDriver } from './offer-latency';

/**
 * Parts 3 and 4, on one real app process (`node dist/main.js`) with a fresh
 * database and Redis prefix: offer latency at 500 tasks/s with a standing
 * backlog of 100, 10 000 then 100 000 queued tasks (grown in place), then
 * 1 000 agents online over sockets and the process's peak RSS.
 */
const LATENCY_AGENTS = 100;
const RSS_AGENTS = 1000;
const RATE = 500;
const DURATION_MS = 6000;
const WARMUP_MS = 1000;
const DRAIN_MS = 6000;
const CLOSED_LOOP_CONCURRENCY = 16;
const P99_TARGET_MS = 20;
const RSS_TARGET_BYTES = 400 * 1024 * 1024;

export async function runAppBench(report: Report, log: (line: string) => void, backlogs: number[]): Promise<void> {
  const luaWarning = ensureDistLuaScripts();
  if (luaWarning) {
    log(`WARNING ${luaWarning}`);
    report.note(luaWarning);
  }

  const database = await createBenchDatabase(BENCH_PG_URL);
  onCleanup(`drop database ${database.name}`, () => database.drop());
  const prefix = benchRedisPrefix('app');
  onCleanup('app: redis keys', () => deleteRedisPrefix(prefix, BENCH_REDIS_URL));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'acd-bench-'));
  onCleanup('app: data dir', async () => rmSync(dataDir, { recursive: true, force: true }));

  // Postgres limit, on the bench database before the app uses it.
  const pgRate = await postgresInsertRate(database.url, 2000);
  log(`Postgres single-row INSERT, sequential: ${formatCount(pgRate)}/s`);
  report.limit('1 limits', 'Postgres single-row INSERT commit, sequential', `${formatCount(pgRate)} /s`);

  const adminEmail = 'bench-admin@bench.local';
  const adminPassword = randomBytes(12).toString('hex');
  const app = await AppProcess.start({
    databaseUrl: database.url,
    redisUrl: BENCH_REDIS_URL,
    redisPrefix: prefix,
    jwtSecret: randomBytes(24).toString('hex'),
    adminEmail,
    adminPassword,
    dataDir,
    logLevel: 'warn',
  });
  onCleanup('app: stop process', () => app.stop());
  const bootMs = await app.waitReady(90_000);
  log(`app ready in ${bootMs} ms (pid ${app.pid}, ${app.baseUrl})`);
  report.info('3 app', 'boot to GET /health/ready 200 (fresh DB: migrations)', `${formatCount(bootMs)} ms`);

  const store = createRedisStateStore({ url: BENCH_REDIS_URL, prefix, luaDir: LUA_DIR });
  onCleanup('app: bench store', () => store.close());
  await store.init();
  const pg = new Client({ connectionString: database.url });
  await pg.connect();
  onCleanup('app: bench pg', () => pg.end());
  const probe = await connectPlainRedis(BENCH_REDIS_URL);
  onCleanup('app: redis probe', () => probe.quit());

  const login = await new ApiClient(app.baseUrl).post('/api/auth/login', { email: adminEmail, password: adminPassword });
  if (login.status !== 200 && login.status !== 201) throw new Error(`admin login answered ${login.status}: ${JSON.stringify(login.body)}`);
  const adminToken: string = login.body.accessToken;
  const admin = new ApiClient(app.baseUrl, adminToken);

  const activity = newActivity();
  const floor = new Floor(admin, app.baseUrl, pg, store, activity);
  onCleanup('app: agent sockets', async () => floor.closeSockets());
  await floor.createQueues();
  await floor.createAgents(RSS_AGENTS);
  const t0 = Date.now();
  await floor.bringOnline(floor.agents.slice(0, LATENCY_AGENTS), 8);
  log(`${formatCount(LATENCY_AGENTS)} agents logged in, connected, available in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const health = await measureHealthLatency(app.baseUrl);
  report.limit('1 limits', 'HTTP GET /health/live on the app, sequential p50', formatMs(health));

  const driver = new OfferDriver(app.baseUrl, adminToken, activity, store, () => floor.chatLaneKey, app.pid, probe);
  const latency: Array<{ backlog: number; result: LatencyResult }> = [];
  for (const backlog of backlogs) {
    const fill = await floor.growBacklog(backlog);
    log(`backlog ${formatCount(backlog)} queued email tasks (grown in ${fill.toFixed(1)} s)`);
    if (latency.length === 0) {
      await driver.openLoop(RATE, WARMUP_MS, 5000);
      const sustained = await driver.closedLoop(CLOSED_LOOP_CONCURRENCY, 4000);
      log(`closed loop, ${CLOSED_LOOP_CONCURRENCY} in flight: ${describe(sustained)}`);
      report.info(
        '3 offer latency',
        `app throughput, closed loop (${CLOSED_LOOP_CONCURRENCY} tasks in flight), backlog ${formatCount(backlog)}`,
        `${formatCount(sustained.offersPerSecond)} tasks/s, p50 ${formatMs(sustained.p50)}`,
      );
    }
    const result = await driver.openLoop(RATE, DURATION_MS, DRAIN_MS);
    latency.push({ backlog, result });
    log(`offer latency, backlog ${formatCount(backlog)}: ${describe(result)}`);
  }
  for (const { backlog, result } of latency) {
    report.check(
      '3 offer latency',
      `p50 / p99 at ${RATE}/s, ${LATENCY_AGENTS} agents, backlog ${formatCount(backlog)}`,
      `p99 ≤ ${P99_TARGET_MS} ms`,
      `${formatMs(result.p50)} / ${formatMs(result.p99)}${lost(result)}`,
      result.p99 <= P99_TARGET_MS && result.missing === 0 && result.httpErrors === 0,
    );
  }
  for (const { backlog, result } of latency) {
    report.info(
      '3 offer latency',
      `  max; POST p50 / p99; offers/s, backlog ${formatCount(backlog)}`,
      `${formatMs(result.max)}; ${formatMs(result.postP50)} / ${formatMs(result.postP99)}; ${formatCount(result.offersPerSecond)}/s`,
    );
  }
  const last = latency[latency.length - 1].result;
  report.info('3 offer latency', `  CPU app / Redis / bench, machine (backlog ${formatCount(backlogs[backlogs.length - 1])})`, `${last.appCpuCores.toFixed(2)} / ${last.redisCpuCores.toFixed(2)} / ${last.benchCpuCores.toFixed(2)} cores, ${(last.machineBusy * 100).toFixed(0)} %`);

  // Part 4: the other agents come online; the backlog is the last (largest) one.
  const t1 = Date.now();
  await floor.bringOnline(floor.agents.slice(LATENCY_AGENTS), 16);
  log(`${formatCount(RSS_AGENTS)} agents online (the last ${formatCount(RSS_AGENTS - LATENCY_AGENTS)} in ${((Date.now() - t1) / 1000).toFixed(1)} s)`);
  await sleep(2000);
  const idle = app.memory();
  log(`app memory with ${RSS_AGENTS} sockets + ${formatCount(backlogs[backlogs.length - 1])} queued: VmRSS ${formatMb(idle.rss)}, VmHWM ${formatMb(idle.peakRss)}`);
  const withAll = await driver.openLoop(RATE, DURATION_MS, DRAIN_MS);
  log(`offer latency with ${RSS_AGENTS} agents online, backlog ${formatCount(backlogs[backlogs.length - 1])}: ${describe(withAll)}`);
  const final = app.memory();
  const redisMemory = await redisUsedMemory(probe);
  const logs = app.logCounts();

  report.info(
    '3 offer latency',
    `(extra) p50 / p99 with ${RSS_AGENTS} agents online, backlog ${formatCount(backlogs[backlogs.length - 1])}`,
    `${formatMs(withAll.p50)} / ${formatMs(withAll.p99)}${lost(withAll)}`,
  );
  report.info('3 offer latency', '  offers answered: accepted+completed / failures', `${formatCount(activity.completed)} / ${formatCount(sumFailures(activity.failures))}${failureList(activity.failures)}`);
  report.info('3 offer latency', '  app log lines ERROR / WARN during the run', `${logs.errors} / ${logs.warnings}`);
  report.info('4 memory', `app VmRSS, ${RSS_AGENTS} sockets + ${formatCount(backlogs[backlogs.length - 1])} queued, idle`, formatMb(idle.rss));
  report.check('4 memory', `app peak RSS (VmHWM over the whole run)`, `< ${formatMb(RSS_TARGET_BYTES)}`, formatMb(final.peakRss), final.peakRss < RSS_TARGET_BYTES);
  report.info('4 memory', 'Redis used_memory at the end (all bench prefixes)', formatMb(redisMemory));
  report.note(
    `Offer latency: one app process (LOG_LEVEL=warn), ${LATENCY_AGENTS} agents (chat capacity 1, accept + complete each offer at once, wrap-up 0), ` +
      `tasks POSTed open-loop at ${RATE}/s for ${DURATION_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; latency = just before POST /api/tasks → 'offer' frame at the client. ` +
      'The backlog is email tasks in a queue whose skill no agent has (they stay queued), grown 100 → 10 000 → 100 000 in the same store: ' +
      'first task via the API, the rest via one INSERT … SELECT generate_series into Postgres plus the store\'s enqueue. ' +
      `Agents: one INSERT … SELECT into Postgres (bcrypt cost 4) + DirectoryService.agentChanged, then real logins, sockets and presence:set.`,
  );
}

async function measureHealthLatency(baseUrl: string): Promise<number> {
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

/** Offers that never arrived within the run's bound, and failed POSTs: either makes the figure a miss. */
function lost(r: LatencyResult): string {
  const parts = [r.missing > 0 ? `${r.missing} of ${r.sent} not offered in time` : '', r.httpErrors > 0 ? `${r.httpErrors} POST errors` : ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function describe(r: LatencyResult): string {
  return (
    `${r.offers}/${r.sent} offers (${formatCount(r.offersPerSecond)}/s), p50 ${formatMs(r.p50)}, p90 ${formatMs(r.p90)}, p99 ${formatMs(r.p99)}, max ${formatMs(r.max)}; ` +
    `POST p50 ${formatMs(r.postP50)} p99 ${formatMs(r.postP99)}, ${r.httpErrors} HTTP errors, sent ${formatCount(r.sentPerSecond)}/s; ` +
    `CPU app ${r.appCpuCores.toFixed(2)} redis ${r.redisCpuCores.toFixed(2)} bench ${r.benchCpuCores.toFixed(2)} cores, machine ${(r.machineBusy * 100).toFixed(0)}%` +
    (r.leftBusy ? '; app still busy with this run after the quiet period' : '')
  );
}

function sumFailures(failures: Map<string, number>): number {
  return [...failures.values()].reduce((sum, n) => sum + n, 0);
}

function failureList(failures: Map<string, number>): string {
  return failures.size === 0 ? '' : ` (${[...failures].map(([code, n]) => `${code} ×${n}`).join(', ')})`;
}
