/**
 * `npm run bench`: one run on the Redis store, printing the product's figures
 * beside the machine's limits measured in the same run, as one table with
 * targets and PASS / MISSED. See docs/benchmarks.md for what each figure is.
 *
 * Exits 0 even when a target is missed (the numbers are the point); exits 1
 * only when the bench itself could not run.
 */
import * as os from 'node:os';
import { installSignalHandlers, onCleanup, runAll } from './support/cleanup';
import { BENCH_PG_URL, BENCH_REDIS_URL, LUA_DIR, assertLoopback, benchRedisPrefix } from './support/bench-env';
import { connectPlainRedis, redisVersion } from './support/redis-probe';
import { Report } from './support/report';
import { formatCount } from './support/stats';
import { coreCount, sampleMachineBusy } from './support/cpu';
import { deleteRedisPrefix } from '../test/support/redis';
import { createRedisStateStore } from '../src/state/redis/redis-state-store';
import { callsPerSecond, socketIoEmitRate } from './limits/machine-limits';
import { DecisionBench, DecisionResult } from './routing/decision-bench';
import { runAppBench } from './app/app-bench';

/** Queued-task backlogs of parts 2 and 3 (the issue's); BENCH_BACKLOGS=100 (comma-separated) for a quick run. */
const BACKLOGS = (process.env.BENCH_BACKLOGS ?? '100,10000,100000')
  .split(',')
  .map((x) => Number(x.trim()))
  .filter((x) => x > 0)
  .sort((a, b) => a - b);
if (BACKLOGS.length === 0) throw new Error('BENCH_BACKLOGS holds no positive backlog');
const DECISION_TARGET_RATE = 5_000;
const DECISION_TARGET_RATIO = 0.9;

function log(line: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function limits(report: Report): Promise<void> {
  const prefix = benchRedisPrefix('limits');
  const store = createRedisStateStore({ url: BENCH_REDIS_URL, prefix, luaDir: LUA_DIR });
  onCleanup('limits: redis keys', () => deleteRedisPrefix(prefix, BENCH_REDIS_URL));
  onCleanup('limits: redis store', () => store.close());
  await store.init();
  for (const inFlight of [1, 8, 64]) {
    const rate = await callsPerSecond(() => store.rawEvalshaRoundTrip(), inFlight, 2000);
    log(`EVALSHA noop, ${inFlight} in flight: ${formatCount(rate)}/s`);
    report.limit('1 limits', `Redis EVALSHA noop, ${inFlight} in flight (1 conn)`, `${formatCount(rate)} /s`);
  }
  for (const payloadBytes of [0, 600]) {
    const emit = await socketIoEmitRate(2500, payloadBytes);
    const label = payloadBytes === 0 ? 'tiny payload' : `~${payloadBytes} B payload (an offer's size)`;
    log(`socket.io emit, ${label}: ${formatCount(emit.framesPerSecond)} frames/s (${formatCount(emit.frames)} frames)`);
    report.limit('1 limits', `socket.io server→client emit, ${label}`, `${formatCount(emit.framesPerSecond)} frames/s`);
  }
}

/**
 * Part 2's backlogs, in queued tasks (spread evenly over the 5 lanes): the
 * issue's 100 / 10 000 / 100 000 (or BENCH_BACKLOGS), plus a stress backlog
 * beyond them (BENCH_DECISION_STRESS, default 500 000; 0 leaves it out).
 */
const DECISION_LANES = 5;
const DECISION_STRESS = Number(process.env.BENCH_DECISION_STRESS ?? 500_000);
/** Interleaved windows per bench: cycle windows of 1 s, burst windows of 0.5 s timed. */
const DECISION_WINDOWS = 5;

async function decisions(report: Report): Promise<void> {
  const probe = await connectPlainRedis(BENCH_REDIS_URL);
  onCleanup('decisions: redis probe', () => probe.quit());
  const totals = [...BACKLOGS, ...(DECISION_STRESS > Math.max(...BACKLOGS) ? [DECISION_STRESS] : [])];
  const options = { lanes: DECISION_LANES, agents: 32, loops: 8 };
  const benches: Array<{ total: number; bench: DecisionBench; fill: number }> = [];
  for (const [i, total] of totals.entries()) {
    // A store (key prefix) per backlog: its lanes and its `queued` index hold only its own tasks.
    const prefix = benchRedisPrefix(`routing-${i}`);
    const store = createRedisStateStore({ url: BENCH_REDIS_URL, prefix, luaDir: LUA_DIR });
    onCleanup(`decisions: redis keys ${i}`, () => deleteRedisPrefix(prefix, BENCH_REDIS_URL));
    onCleanup(`decisions: redis store ${i}`, () => store.close());
    await store.init();
    const bench = new DecisionBench(store, probe, { ...options, tag: `b${i}` });
    await bench.setUp();
    const fill = await bench.fillTo(Math.max(1, Math.round(total / DECISION_LANES)));
    log(`decisions: ${formatCount(total)} queued (${formatCount(total / DECISION_LANES)}/lane) filled in ${fill.toFixed(1)} s`);
    benches.push({ total, bench, fill });
  }
  for (const { bench } of benches) await bench.warmUp();
  // Interleaved: window w of every backlog, in an order that rotates, before window w + 1 of any.
  const rotated = (w: number): typeof benches => benches.map((_, i) => benches[(i + w) % benches.length]);
  for (let w = 0; w < DECISION_WINDOWS; w++) for (const { bench } of rotated(w)) await bench.cycleWindow(1000);
  for (let w = 0; w < DECISION_WINDOWS; w++) for (const { bench } of rotated(w)) await bench.burstWindow(500);
  for (const { bench } of benches) await bench.sequentialRun(1000);
  const results: Array<DecisionResult & { total: number }> = [];
  for (const { total, bench, fill } of benches) {
    const result = { ...(await bench.result(fill)), total };
    results.push(result);
    log(
      `decisions, ${formatCount(total)} queued (${formatCount(result.perLane)}/lane): ` +
        `${formatCount(result.cyclesPerSecond)} cycles/s (windows ${result.cycleWindowRates.map((x) => formatCount(x)).join(', ')}; claim p50 ${result.claimP50Us.toFixed(0)} µs, p99 ${result.claimP99Us.toFixed(0)} µs), ` +
        `bursts ${formatCount(result.burstClaimsPerSecond)} decisions/s (windows ${result.burstWindowRates.map((x) => formatCount(x)).join(', ')}), 1 loop ${formatCount(result.sequentialClaimsPerSecond)}/s; ` +
        `Redis exec µs claim/revoke/enqueue ${result.serverUs.claim.toFixed(0)}/${result.serverUs.revoke.toFixed(0)}/${result.serverUs.enqueue.toFixed(0)}; ` +
        `CPU redis ${result.redisCpuCores.toFixed(2)} client ${result.clientCpuCores.toFixed(2)} cores, machine ${(result.machineBusy * 100).toFixed(0)}% busy; ` +
        `backlog constant: ${result.backlogConstant}`,
    );
  }
  const section = '2 decisions';
  const n = (r: (typeof results)[number]): string => `${formatCount(r.total)} queued${BACKLOGS.includes(r.total) ? '' : ' (stress)'}`;
  const first = results[0];
  // The ratio: its largest backlog against its smallest; the stress backlog's ratio is shown beside it.
  const spec = results.filter((r) => BACKLOGS.includes(r.total));
  const largest = spec[spec.length - 1];
  const stress = results.find((r) => !BACKLOGS.includes(r.total));
  const ratioRows = (label: string, pick: (r: DecisionResult) => number): void => {
    if (largest !== first) {
      const ratio = pick(largest) / pick(first);
      report.check(section, `ratio ${label}(${n(largest)}) / (${n(first)})`, `≥ ${DECISION_TARGET_RATIO.toFixed(2)}`, ratio.toFixed(2), ratio >= DECISION_TARGET_RATIO);
    }
    if (stress) report.info(section, `ratio ${label}(${n(stress)}) / (${n(first)})`, (pick(stress) / pick(first)).toFixed(2));
  };
  for (const r of results) {
    report.check(section, `decision cycles/s, ${n(r)}`, `≥ ${formatCount(DECISION_TARGET_RATE)} /s`, `${formatCount(r.cyclesPerSecond)} /s`, r.cyclesPerSecond >= DECISION_TARGET_RATE && r.backlogConstant);
  }
  ratioRows('cycles', (r) => r.cyclesPerSecond);
  for (const r of results) {
    report.check(section, `decisions/s alone (bursts of ${options.agents}), ${n(r)}`, `≥ ${formatCount(DECISION_TARGET_RATE)} /s`, `${formatCount(r.burstClaimsPerSecond)} /s`, r.burstClaimsPerSecond >= DECISION_TARGET_RATE);
  }
  ratioRows('decisions alone', (r) => r.burstClaimsPerSecond);
  for (const r of results) {
    report.info(section, `claim call p50 / p99 in the cycle run, ${n(r)}`, `${(r.claimP50Us / 1000).toFixed(2)} / ${(r.claimP99Us / 1000).toFixed(2)} ms`);
  }
  for (const r of results) {
    report.info(section, `Redis exec µs claim / revoke / enqueue, ${n(r)}`, `${r.serverUs.claim.toFixed(0)} / ${r.serverUs.revoke.toFixed(0)} / ${r.serverUs.enqueue.toFixed(0)} µs`);
  }
  for (const r of results) {
    report.info(section, `1 sequential caller, claim only, ${n(r)}`, `${formatCount(r.sequentialClaimsPerSecond)} /s`);
  }
  const last = results[results.length - 1];
  report.info(section, `CPU in the cycle run (${n(last)}): Redis / bench / machine`, `${r2(last.redisCpuCores)} / ${r2(last.clientCpuCores)} cores / ${(last.machineBusy * 100).toFixed(0)} %`);
  report.note(
    `Decisions: ${options.loops} concurrent loops, ${options.agents} agents, ${options.lanes} lanes (3 chat, 2 email), every agent eligible for all ${options.lanes}; ` +
      'each cycle = DirectoryService.lanesForAgent + BlendingService.claimPlan (no store read) + store.claimNextTask (one script: policy applied inside), then revokeOffer + enqueue at the lane tail ' +
      '(3 Lua scripts per cycle, all counted; backlog exactly constant). "Decisions alone": every agent claims once, all in flight, timed; ' +
      'revoke + re-enqueue between bursts untimed (backlog dips by at most one task per agent). One bench per backlog (its own key prefix, lanes and agents, same Redis), all filled first; ' +
      `their windows interleaved (${DECISION_WINDOWS} of 1 s for cycles, ${DECISION_WINDOWS} of 0.5 s for decisions alone, per backlog); each rate is the best window. ` +
      'Redis exec times come from INFO commandstats (every client of the server counts; least disturbed window).',
  );
}

async function main(): Promise<void> {
  installSignalHandlers();
  assertLoopback(BENCH_REDIS_URL, 'BENCH_REDIS_URL');
  assertLoopback(BENCH_PG_URL, 'BENCH_PG_URL');
  const started = new Date();
  const report = new Report();
  const probe = await connectPlainRedis(BENCH_REDIS_URL);
  const version = await redisVersion(probe);
  await probe.quit();
  await waitForIdleMachine(Number(process.env.BENCH_WAIT_IDLE_SECONDS ?? 0));
  const idleBusy = await sampleMachineBusy(1000);
  report.info('0 machine', 'CPU busy before start (other processes), 1 s sample', `${(idleBusy * 100).toFixed(0)} % of ${coreCount()} cores`);
  if (idleBusy > 0.1) report.note(`The machine was ${(idleBusy * 100).toFixed(0)} % busy before the bench started: other processes share the cores, figures are lower than on an idle machine.`);
  let failed = false;
  try {
    if (selected('limits')) {
      log('part 1: machine limits');
      await limits(report).catch((error: unknown) => record(report, '1 limits', error));
    }
    if (selected('decisions')) {
      log(`part 2: routing decisions at ${BACKLOGS.join(' / ')} queued tasks (and ${DECISION_STRESS} as a stress backlog)`);
      await decisions(report).catch((error: unknown) => record(report, '2 decisions', error));
    }
    await runAll();
    const latency = selected('app') || selected('latency');
    const memory = selected('app') || selected('memory');
    if (latency || memory) {
      log('parts 3 and 4: the real app process (offer latency, peak RSS)');
      await runAppBench(report, log, BACKLOGS, { latency, memory }).catch((error: unknown) => record(report, '3-4 app', error));
    }
  } catch (error) {
    failed = true;
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  } finally {
    await runAll();
  }
  const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(0);
  const cpu = os.cpus();
  const title =
    `Blended ACD benchmark — ${started.toISOString()} — ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'cpu'}), ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, Redis ${version} — ran ${seconds} s`;
  process.stdout.write(`\n${report.render(title)}\n`);
  process.exit(failed ? 1 : 0);
}

/** BENCH_WAIT_IDLE_SECONDS=n: on a shared machine, wait up to n s for the cores to be under 15 % busy before measuring. */
async function waitForIdleMachine(maxSeconds: number): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  while (Date.now() < deadline) {
    const busy = await sampleMachineBusy(2000);
    if (busy < 0.15) return;
    log(`machine ${(busy * 100).toFixed(0)} % busy (other processes): waiting for it to calm down`);
  }
}

/** BENCH_ONLY=limits,decisions,app runs a subset (default: everything); `latency` or `memory` runs part 3 or 4 alone. */
function selected(part: 'limits' | 'decisions' | 'app' | 'latency' | 'memory'): boolean {
  const only = process.env.BENCH_ONLY;
  return !only || only.split(',').map((x) => x.trim()).includes(part);
}

function r2(x: number): string {
  return x.toFixed(2);
}

function record(report: Report, section: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${section} failed: ${error instanceof Error ? error.stack : message}\n`);
  report.error(section, 'part could not run', message.split('\n')[0].slice(0, 120));
}

void main();
