/**
 * A compressed simulated day on a blended floor: the same call and email
 * arrivals (seeded) replayed under three policies, printing the email backlog
 * at the end of the day and the voice service level.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/blending-day.js [--seed N] [--agents N]
 *
 * What is real and what is simulated: the decisions are the product's own
 * code — the in-process state store (lanes, atomic claims, capacity and
 * exclusivity), the DirectoryService, and BlendingService (caps, lull rule,
 * voice reserve, SLA guard) — driven on a virtual clock (every store
 * primitive takes `now`), so an 8-hour day runs in seconds. Simulated: the
 * people (offers are accepted at once, handle times are exponential), caller
 * patience (a call not offered within its patience is abandoned), and the
 * transport (no HTTP, sockets or Postgres). The SLA-guard timer the product
 * arms through TimerService becomes an event of the simulation.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Repository } from 'typeorm';
import { AgentEntity } from '../src/agents/agent.entity';
import { BlendingPolicy, DEFAULT_BLENDING_POLICY, claimRulesFor } from '../src/blending/blending-policy';
import { BlendingService, SLA_GUARD_TIMER } from '../src/blending/blending.service';
import { QueueEntity } from '../src/queues/queue.entity';
import { DirectoryService, QueueProfile } from '../src/routing/directory.service';
import { TimerService } from '../src/routing/timer.service';
import { virtualDeadline } from '../src/routing/virtual-deadline';
import { MemoryStateStore } from '../src/state/memory/memory-state-store';
import { LaneInfo, LaneRef, LiveOffer, StateStore } from '../src/state/state-store';
import { Channel } from '../src/tasks/channel';

const DAY_SECONDS = 8 * 3600;
const VOICE_SLA = 20;
const EMAIL_SLA = 4 * 3600;
const CALL_AHT = 240;
const EMAIL_AHT = 420;
const PATIENCE = 120;

interface Options {
  seed: number;
  agents: number;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return { seed: get('seed', 42), agents: get('agents', 14) };
}

/** Seeded PRNG (mulberry32): same arrivals in every scenario. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const exp = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;

/** Calls per hour through the day: two peaks (mid-morning, mid-afternoon) and quiet spells. */
function callRate(second: number): number {
  const hour = second / 3600;
  if ((hour >= 1.5 && hour < 3) || (hour >= 5.5 && hour < 6.5)) return 230;
  if (hour >= 3.5 && hour < 5) return 70;
  return 120;
}
const EMAIL_RATE = 45;

interface Arrival {
  at: number;
  channel: Channel;
  handle: number;
  patience: number;
}

/** The day's arrivals, drawn once (thinning for the varying call rate). */
function arrivals(seed: number): Arrival[] {
  const random = rng(seed);
  const out: Arrival[] = [];
  const peak = 230;
  for (let t = exp(random, 3600 / peak); t < DAY_SECONDS; t += exp(random, 3600 / peak)) {
    if (random() < callRate(t) / peak) out.push({ at: t, channel: 'voice', handle: exp(random, CALL_AHT), patience: exp(random, PATIENCE) });
  }
  for (let t = exp(random, 3600 / EMAIL_RATE); t < DAY_SECONDS; t += exp(random, 3600 / EMAIL_RATE)) {
    out.push({ at: t, channel: 'email', handle: exp(random, EMAIL_AHT), patience: Number.POSITIVE_INFINITY });
  }
  return out.sort((a, b) => a.at - b.at);
}

type SimEvent =
  | { at: number; kind: 'arrive'; arrival: Arrival; taskId: string }
  | { at: number; kind: 'done'; agentId: string; offer: LiveOffer }
  | { at: number; kind: 'patience'; taskId: string }
  | { at: number; kind: 'guard'; laneKey: string }
  | { at: number; kind: 'store-timers' };

/** A binary min-heap of events by time. */
class Agenda {
  private readonly heap: SimEvent[] = [];
  get size(): number {
    return this.heap.length;
  }
  push(event: SimEvent): void {
    const h = this.heap;
    h.push(event);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }
  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].at < h[m].at) m = l;
        if (r < h.length && h[r].at < h[m].at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function listRepository<T extends object>(rows: T[]): Repository<T> {
  return { find: async () => rows, findOneBy: async () => null } as unknown as Repository<T>;
}

interface Outcome {
  scenario: string;
  callsOffered: number;
  answered: number;
  answeredWithinSla: number;
  abandoned: number;
  averageAnswerSeconds: number;
  emailsReceived: number;
  emailsHandled: number;
  emailBacklogQueued: number;
  emailBacklogInProgress: number;
  oldestEmailWaitHours: number;
  emailsPastSla: number;
  occupancy: number;
  decisions: number;
  wallMs: number;
}

async function simulate(scenario: string, policy: BlendingPolicy, day: Arrival[], agentCount: number): Promise<Outcome> {
  const started = performance.now();
  const base = Date.UTC(2030, 0, 7, 8, 0, 0);
  const ms = (second: number) => base + Math.round(second * 1000);
  const store: StateStore = new MemoryStateStore();
  await store.init();
  const agenda = new Agenda();
  const queues: QueueProfile[] = (['voice', 'email'] as const).map((channel) => ({
    id: randomUUID(),
    name: `${channel}-queue`,
    channel,
    skills: ['support'],
    priority: 0,
    slaSeconds: channel === 'voice' ? VOICE_SLA : EMAIL_SLA,
    wrapUpSeconds: 0,
    offerTimeoutSeconds: 20,
    preferredAgentTimeoutSeconds: 30,
  }));
  const agents = Array.from({ length: agentCount }, (_, i) =>
    Object.assign(new AgentEntity(), { id: randomUUID(), name: `agent ${i}`, role: 'agent', skills: { support: 5 }, capacity: { voice: 1, chat: 0, email: 2 }, extension: null }),
  );
  const directory = new DirectoryService(listRepository(agents), listRepository(queues as unknown as QueueEntity[]), store);
  const lanes = new Map<Channel, LaneInfo>();
  for (const queue of queues) {
    const lane = directory.generalLaneFor(queue, []);
    await directory.ensureLane(lane);
    lanes.set(queue.channel, lane);
  }
  await directory.reloadAll();
  // The product arms a store timer at an email's SLA-guard moment; here it is an event on the virtual clock.
  const timers = { schedule: async (_kind: string, laneKey: string, dueAt: number) => agenda.push({ at: (dueAt - base) / 1000, kind: 'guard', laneKey }) } as unknown as TimerService;
  const blending = new BlendingService(store, directory, timers);
  blending.apply(policy);
  const rules = claimRulesFor(policy);
  for (const agent of agents) {
    await store.putAgent(agent.id, agent.capacity, ms(0));
    await store.setPresence(agent.id, 'available', null, ms(0));
  }
  const refOf = (lane: LaneInfo): LaneRef => ({ key: lane.key, channel: lane.channel, offerTimeoutMs: 20_000 });
  const info = new Map<string, Arrival>();
  const out = { answered: 0, within: 0, abandoned: 0, waitSum: 0, emailsHandled: 0, busyAgentSeconds: 0, decisions: 0 };
  const holding = new Map<string, number>(); // agentId → tasks held
  let lastAt = 0;
  let clock = 0;

  const accept = async (offer: LiveOffer) => {
    await store.acceptOffer(offer.offerId, offer.agentId, ms(clock));
    const arrival = info.get(offer.taskId) as Arrival;
    if (arrival.channel === 'voice') {
      const wait = clock - arrival.at;
      out.answered += 1;
      out.waitSum += wait;
      if (wait <= VOICE_SLA) out.within += 1;
    }
    holding.set(offer.agentId, (holding.get(offer.agentId) ?? 0) + 1);
    agenda.push({ at: clock + arrival.handle, kind: 'done', agentId: offer.agentId, offer });
  };

  /** Agent side, as RoutingService.routeAgent: the policy shapes each claim, the store applies it atomically. */
  const routeAgent = async (agentId: string) => {
    const profile = directory.agent(agentId);
    if (!profile) return;
    const eligible = directory.lanesForAgent(profile);
    for (let i = 0; i < 3; i++) {
      out.decisions += 1;
      const plan = await blending.claimPlan(profile, eligible, ms(clock));
      if (plan.lanes.length === 0) return;
      const result = await store.claimNextTask(agentId, plan.lanes, plan.rules, ms(clock), plan.policy);
      await watchStoreTimers();
      if (typeof result === 'string') return;
      await accept(result);
    }
  };

  /**
   * The agent-side claim arms the SLA-guard timers in the store itself (the
   * task side through TimerService, above): wake up at the store's earliest timer.
   */
  let storeTimersAt = Number.POSITIVE_INFINITY;
  const watchStoreTimers = async () => {
    const next = await store.nextTimerDue();
    if (next === null || next >= storeTimersAt) return;
    storeTimersAt = next;
    agenda.push({ at: Math.max(clock, (next - base) / 1000), kind: 'store-timers' });
  };

  /** An email lane's head reached its SLA guard: route the lane's heads, as BlendingPolicyService.guardDue does. */
  const guardDue = async (laneKey: string) => {
    blending.guardFired(laneKey);
    for (let i = 0; i < 50; i++) {
      const [head] = (await store.laneHeads([laneKey], 1))[0];
      if (!head || !(await routeTask(head.taskId))) break;
    }
  };

  /** Task side, as RoutingService.routeTask. */
  const routeTask = async (taskId: string) => {
    const queued = await store.findQueued(taskId);
    const lane = queued && directory.lane(queued.laneKey);
    if (!queued || !lane) return false;
    out.decisions += 1;
    const free = await store.listFreeAgents(lane.channel, 0, 500);
    const allowed = await blending.candidatesForTask(lane, free, queued.score, ms(clock));
    const offer = allowed.length > 0 ? await store.claimAgentForTask(taskId, allowed, refOf(lane), rules, ms(clock)) : null;
    if (offer) await accept(offer);
    return offer !== null;
  };

  for (const arrival of day) {
    const taskId = randomUUID();
    info.set(taskId, arrival);
    agenda.push({ at: arrival.at, kind: 'arrive', arrival, taskId });
  }
  while (agenda.size > 0) {
    const event = agenda.pop() as SimEvent;
    if (event.at > DAY_SECONDS) break;
    let busy = 0;
    for (const count of holding.values()) if (count > 0) busy += 1;
    out.busyAgentSeconds += busy * (event.at - lastAt);
    lastAt = event.at;
    clock = event.at;
    switch (event.kind) {
      case 'arrive': {
        const lane = lanes.get(event.arrival.channel) as LaneInfo;
        const queue = queues.find((q) => q.channel === event.arrival.channel) as QueueProfile;
        await store.enqueue({ taskId: event.taskId, laneKey: lane.key, score: virtualDeadline(ms(clock), queue.slaSeconds, queue.priority) });
        if (event.arrival.channel === 'voice') agenda.push({ at: clock + event.arrival.patience, kind: 'patience', taskId: event.taskId });
        await routeTask(event.taskId);
        break;
      }
      case 'patience':
        if (await store.dequeue(event.taskId)) out.abandoned += 1;
        break;
      case 'done': {
        await store.revokeOffer(event.offer.offerId, ms(clock));
        holding.set(event.agentId, (holding.get(event.agentId) ?? 1) - 1);
        if (info.get(event.offer.taskId)?.channel === 'email') out.emailsHandled += 1;
        await routeAgent(event.agentId);
        break;
      }
      case 'guard':
        await guardDue(event.laneKey);
        break;
      case 'store-timers': {
        storeTimersAt = Number.POSITIVE_INFINITY;
        for (const timer of await store.claimDueTimers(ms(clock), 1000)) {
          if (timer.kind === SLA_GUARD_TIMER) await guardDue(timer.id);
        }
        await watchStoreTimers();
        break;
      }
    }
  }
  const emailLane = lanes.get('email') as LaneInfo;
  const [queuedEmails] = await store.laneSizes([emailLane.key]);
  const [oldest] = (await store.laneHeads([emailLane.key], 1))[0];
  const emailQueue = queues.find((q) => q.channel === 'email') as QueueProfile;
  const oldestWait = oldest ? DAY_SECONDS - (oldest.score - base - EMAIL_SLA * 1000) / 1000 : 0;
  const emailHeads = (await store.laneHeads([emailLane.key], 100_000))[0];
  const pastSla = emailHeads.filter((task) => ms(DAY_SECONDS) - (task.score - emailQueue.slaSeconds * 1000) > emailQueue.slaSeconds * 1000).length;
  const calls = day.filter((a) => a.channel === 'voice').length;
  const emails = day.filter((a) => a.channel === 'email').length;
  await store.close();
  return {
    scenario,
    callsOffered: calls,
    answered: out.answered,
    answeredWithinSla: out.within,
    abandoned: out.abandoned,
    averageAnswerSeconds: out.answered ? out.waitSum / out.answered : 0,
    emailsReceived: emails,
    emailsHandled: out.emailsHandled,
    emailBacklogQueued: queuedEmails,
    emailBacklogInProgress: emails - out.emailsHandled - queuedEmails,
    oldestEmailWaitHours: oldestWait / 3600,
    emailsPastSla: pastSla,
    occupancy: out.busyAgentSeconds / (agentCount * DAY_SECONDS),
    decisions: out.decisions,
    wallMs: performance.now() - started,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const day = arrivals(options.seed);
  const blended: BlendingPolicy = { ...DEFAULT_BLENDING_POLICY, voiceReserveAgents: 1 };
  const scenarios: Array<[string, BlendingPolicy]> = [
    ['blending off: phones only (email left to another team)', { ...DEFAULT_BLENDING_POLICY, channelCapacity: { email: 0 } }],
    ['blending off: one queue, no lull rule', { ...DEFAULT_BLENDING_POLICY, lullMaxVoiceWaiting: 10_000, lullMaxVoiceWaitSeconds: 86_400 }],
    ['blending on: lull N=0 S=0, reserve 1, SLA guard 80 %', blended],
    ['blending on: same, reserve 3, email cap 1 per agent', { ...blended, voiceReserveAgents: 3, channelCapacity: { email: 1 } }],
  ];
  console.log(`Blended ACD: a simulated ${DAY_SECONDS / 3600} h day, ${options.agents} agents (voice 1, email 2), seed ${options.seed}`);
  console.log(
    `arrivals: ${day.filter((a) => a.channel === 'voice').length} calls (peaks 230/h, lull 70/h, else 120/h; AHT ${CALL_AHT} s, patience ${PATIENCE} s), ` +
      `${day.filter((a) => a.channel === 'email').length} emails (${EMAIL_RATE}/h, AHT ${EMAIL_AHT} s, SLA ${EMAIL_SLA / 3600} h); voice SLA ${VOICE_SLA} s`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  const results: Outcome[] = [];
  for (const [name, policy] of scenarios) results.push(await simulate(name, policy, day, options.agents));
  const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)} %`);
  const table = results.map((r) => ({
    scenario: r.scenario,
    'voice SL (≤20 s / answered)': pct(r.answeredWithinSla, r.answered),
    'voice SL (≤20 s / offered)': pct(r.answeredWithinSla, r.callsOffered),
    'abandoned calls': `${r.abandoned} (${pct(r.abandoned, r.callsOffered)})`,
    'avg answer (s)': r.averageAnswerSeconds.toFixed(1),
    'emails handled': `${r.emailsHandled}/${r.emailsReceived}`,
    'email backlog at end of day': `${r.emailBacklogQueued} queued + ${r.emailBacklogInProgress} in hand`,
    'oldest email (h)': r.oldestEmailWaitHours.toFixed(2),
    'emails past SLA': r.emailsPastSla,
    occupancy: pct(r.occupancy, 1),
    'decisions/s (wall)': Math.round(r.decisions / (r.wallMs / 1000)),
    'wall (ms)': Math.round(r.wallMs),
  }));
  for (const row of table) {
    console.log(`== ${row.scenario}`);
    for (const [key, value] of Object.entries(row)) if (key !== 'scenario') console.log(`   ${key.padEnd(30)} ${value}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
