/**
 * A simulated telephony system (a PBX / CPaaS) for tests and load runs: it
 * posts signed call events to the ACD (`POST /api/telephony/events`) and
 * listens for the ACD's signed `call.assign` webhooks, checking their
 * signature. `playDay` runs a bounded call-centre day: calls arrive (Poisson),
 * callers hang up when they have waited longer than their patience
 * (`call.abandoned`), assigned calls are answered (`call.answered`) and hung
 * up after their talk time (`call.ended`). `startProfile` / `playProfile` play
 * a scripted load instead: phases of evenly spaced arrivals (a peak, a lull…)
 * with a fixed patience and hold, so a test knows what load it gets and when.
 *
 * As a command (after `npm run bench`, which compiles bench/):
 *   node dist-bench/bench/telephony-sim.js --url http://127.0.0.1:3000 \
 *     --secret "$TELEPHONY_SECRET" --to +33180000000 --seconds 60 --rate 0.5 --listen 4010
 * and start the ACD with TELEPHONY_WEBHOOK_URL=http://127.0.0.1:4010/assign.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { signTelephony, verifyTelephonySignature } from '../src/channels/voice/telephony-signature';

export type CallEventType = 'call.offered' | 'call.answered' | 'call.abandoned' | 'call.ended';

export interface CallEvent {
  type: CallEventType;
  callId: string;
  from?: string;
  to?: string;
  queue?: string;
  skills?: string[];
  priority?: number;
}

export interface SendOptions {
  /** Unix seconds to sign with (default: now). */
  timestamp?: number;
  /** Sent as is instead of the computed signature. */
  signature?: string;
  /** Signs with this secret instead of the simulator's. */
  secret?: string;
  /** Leaves the signature headers out. */
  unsigned?: boolean;
}

export interface SimResponse {
  status: number;
  body: any;
}

export interface ReceivedAssign {
  payload: { type: string; callId: string; agentId: string; extension: string | null };
  validSignature: boolean;
  at: number;
}

/** What the webhook listener answers to a call.assign (HTTP status); default 200. */
export type AssignResponder = (assign: ReceivedAssign, attempt: number) => number;

export interface DayOptions {
  /** How long calls keep arriving. */
  durationMs: number;
  /** Mean arrivals per second. */
  callsPerSecond: number;
  /** A caller hangs up after waiting a uniform time in this range (ms) without being assigned. */
  patienceMs: [number, number];
  /** Talk time once answered (ms). */
  talkMs: [number, number];
  /** Delay between call.assign and call.answered (ms). */
  answerDelayMs?: number;
  /** Routing of the calls: dialled number and/or queue. */
  to?: string;
  queue?: string;
  /** Caller numbers are drawn from this many customers. */
  callers?: number;
  /** Seed of the pseudo-random draws (same seed, same day). */
  seed?: number;
  /** Hard stop after the last arrival (ms): calls still up are hung up. Default: max patience + max talk + 2 s. */
  drainMs?: number;
}

export interface DayReport {
  offered: number;
  assigned: number;
  answered: number;
  abandoned: number;
  ended: number;
  /** Events the ACD refused (status ≥ 400). */
  errors: number;
  /** call.assign webhooks whose signature did not verify. */
  badSignatures: number;
  callIds: string[];
}

/** One stretch of a scripted load: calls arrive evenly spaced at this rate for this long (0: no arrivals, a lull). */
export interface LoadPhase {
  /** For `phaseStarted` and the report; default `phase-<index>`. */
  name?: string;
  seconds: number;
  callsPerSecond: number;
}

export interface ProfileOptions {
  phases: LoadPhase[];
  /** Talk time of every answered call (ms): `call.ended` this long after `call.answered`. */
  holdMs: number;
  /** A caller not yet assigned hangs up (`call.abandoned`) after waiting this long (ms); default: never. */
  patienceMs?: number;
  /** Delay between call.assign and call.answered (ms); default 0. */
  answerDelayMs?: number;
  /** Routing of the calls: dialled number and/or queue. */
  to?: string;
  queue?: string;
  /** Call ids are `<idPrefix>-<n>`; default a prefix of its own per run. */
  idPrefix?: string;
  /** Hard stop after the last phase (ms): calls still up are hung up. Default: patience (or 5 s) + hold + 2 s. */
  drainMs?: number;
}

/** One call of a profile run, as the simulated telephony system saw it (ms timestamps). */
export interface ProfileCall {
  callId: string;
  phase: string;
  offeredAt: number;
  assignedAt: number | null;
  agentId: string | null;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: 'ended' | 'abandoned' | null;
}

export interface ProfileReport extends DayReport {
  calls: ProfileCall[];
  phases: Array<{ name: string; startedAt: number; endedAt: number; offered: number }>;
}

/** A profile being played: the test follows its phases while the calls run. */
export interface ProfileRun {
  /** Every call offered so far. */
  readonly calls: ProfileCall[];
  /** The phase playing now; null before the first starts and after the last ends. */
  readonly phase: string | null;
  /** Resolves with the start time (ms) of the phase (by name or index), at once if it started already. */
  phaseStarted(phase: string | number): Promise<number>;
  /** Resolves when every call is over (or the drain time is up). */
  readonly done: Promise<ProfileReport>;
  /** Stops arrivals now, hangs up every call still up, resolves with the report. */
  stop(): Promise<ProfileReport>;
}

interface LiveCall {
  callId: string;
  state: 'waiting' | 'assigned' | 'talking' | 'over';
  timers: NodeJS.Timeout[];
}

export class TelephonySimulator {
  readonly assigns: ReceivedAssign[] = [];
  private server?: Server;
  private webhookUrl?: string;
  private responder: AssignResponder = () => 200;
  private readonly attempts = new Map<string, number>();
  private readonly assignListeners: Array<(assign: ReceivedAssign) => void> = [];

  constructor(
    public baseUrl: string,
    private readonly secret: string,
  ) {}

  // ---- events to the ACD -----------------------------------------------------

  async send(event: CallEvent | Record<string, unknown>, options: SendOptions = {}): Promise<SimResponse> {
    const body = JSON.stringify(event);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!options.unsigned) {
      headers['x-timestamp'] = String(timestamp);
      headers['x-signature'] = options.signature ?? signTelephony(options.secret ?? this.secret, timestamp, body);
    }
    const response = await fetch(`${this.baseUrl}/api/telephony/events`, { method: 'POST', headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  offer(callId: string, fields: Omit<CallEvent, 'type' | 'callId'> = {}): Promise<SimResponse> {
    return this.send({ type: 'call.offered', callId, ...fields });
  }

  answer(callId: string): Promise<SimResponse> {
    return this.send({ type: 'call.answered', callId });
  }

  abandon(callId: string): Promise<SimResponse> {
    return this.send({ type: 'call.abandoned', callId });
  }

  end(callId: string): Promise<SimResponse> {
    return this.send({ type: 'call.ended', callId });
  }

  // ---- call.assign webhooks from the ACD ------------------------------------

  /** Starts the webhook listener; resolves with its URL (for TELEPHONY_WEBHOOK_URL). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => void this.onRequest(request, response));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.webhookUrl = `http://${host}:${address.port}/assign`;
    return this.webhookUrl;
  }

  respondWith(responder: AssignResponder): void {
    this.responder = responder;
  }

  onAssign(listener: (assign: ReceivedAssign) => void): () => void {
    this.assignListeners.push(listener);
    return () => this.assignListeners.splice(this.assignListeners.indexOf(listener), 1);
  }

  /** The first call.assign received (already or from now on) matching the predicate. */
  nextAssign(predicate: (assign: ReceivedAssign) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedAssign> {
    const seen = this.assigns.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no call.assign within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onAssign((assign) => {
        if (!predicate(assign)) return;
        clearTimeout(timer);
        off();
        resolve(assign);
      });
    });
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const validSignature =
      verifyTelephonySignature({ secret: this.secret, timestamp: header('x-timestamp'), signature: header('x-signature'), rawBody: raw, nowMs: Date.now() }) === 'ok';
    let payload: ReceivedAssign['payload'];
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      response.writeHead(400).end();
      return;
    }
    const assign: ReceivedAssign = { payload, validSignature, at: Date.now() };
    const attempt = (this.attempts.get(payload.callId) ?? 0) + 1;
    this.attempts.set(payload.callId, attempt);
    const status = validSignature ? this.responder(assign, attempt) : 401;
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    if (status >= 200 && status < 300) {
      this.assigns.push(assign);
      for (const listener of [...this.assignListeners]) listener(assign);
    }
  }

  // ---- a scripted load profile -------------------------------------------------

  /** Plays `phases` of calls; needs `listen()` and agents who accept offers. See ProfileRun. */
  playProfile(options: ProfileOptions): Promise<ProfileReport> {
    return this.startProfile(options).done;
  }

  /**
   * Starts a scripted load and returns at once. Phase i starts at the sum of
   * the previous phases' lengths; in a phase of rate r, call k arrives r⁻¹·k
   * seconds after its start (`call.offered`). A call the ACD assigns
   * (`call.assign`) is answered after `answerDelayMs` and ended `holdMs` after
   * the answer; a call still waiting after `patienceMs` is abandoned. Bounded:
   * after the last phase, calls get `drainMs` to finish, then are hung up.
   */
  startProfile(options: ProfileOptions): ProfileRun {
    const names = options.phases.map((phase, index) => phase.name ?? `phase-${index}`);
    const prefix = options.idPrefix ?? `prof-${Date.now().toString(36)}`;
    const report: ProfileReport = { offered: 0, assigned: 0, answered: 0, abandoned: 0, ended: 0, errors: 0, badSignatures: 0, callIds: [], calls: [], phases: [] };
    const live = new Map<string, { call: ProfileCall; state: LiveCall['state']; timers: NodeJS.Timeout[] }>();
    const pending = new Set<Promise<unknown>>();
    const timers: NodeJS.Timeout[] = [];
    const started = new Map<number, number>();
    const waiters = new Map<number, Array<{ resolve: (at: number) => void; reject: (error: Error) => void }>>();
    let current: string | null = null;
    let stopped = false;
    let wakeUp: () => void = () => undefined;

    const track = (promise: Promise<SimResponse>, counter?: 'offered' | 'answered' | 'abandoned' | 'ended') => {
      const tracked = promise
        .then((result) => {
          if (result.status >= 400) report.errors += 1;
          else if (counter) report[counter] += 1;
          return result;
        })
        .catch(() => {
          report.errors += 1;
          return undefined;
        });
      const settled = tracked.finally(() => pending.delete(settled));
      pending.add(settled);
      return tracked;
    };
    const finish = (entry: { call: ProfileCall; state: LiveCall['state']; timers: NodeJS.Timeout[] }, type: 'call.abandoned' | 'call.ended') => {
      if (entry.state === 'over') return;
      entry.state = 'over';
      entry.timers.forEach(clearTimeout);
      entry.call.endedAt = Date.now();
      entry.call.outcome = type === 'call.ended' ? 'ended' : 'abandoned';
      track(this.send({ type, callId: entry.call.callId }), type === 'call.ended' ? 'ended' : 'abandoned');
    };
    const off = this.onAssign((assign) => {
      if (!assign.validSignature) report.badSignatures += 1;
      const entry = live.get(assign.payload.callId);
      if (!entry || entry.state !== 'waiting') return;
      entry.state = 'assigned';
      entry.call.assignedAt = assign.at;
      entry.call.agentId = assign.payload.agentId;
      report.assigned += 1;
      entry.timers.forEach(clearTimeout);
      entry.timers.push(
        setTimeout(() => {
          if (entry.state !== 'assigned') return;
          entry.state = 'talking';
          entry.call.answeredAt = Date.now();
          // Hung up `holdMs` after the answer was taken (never before the ACD had it).
          void track(this.answer(entry.call.callId), 'answered').then(() => {
            if (entry.state === 'talking') entry.timers.push(setTimeout(() => finish(entry, 'call.ended'), options.holdMs));
          });
        }, options.answerDelayMs ?? 0),
      );
    });
    const startPhase = (index: number) => {
      const at = Date.now();
      started.set(index, at);
      current = names[index];
      report.phases.push({ name: names[index], startedAt: at, endedAt: at, offered: 0 });
      for (const waiter of waiters.get(index) ?? []) waiter.resolve(at);
      waiters.delete(index);
    };
    const arrive = (index: number, sequence: number) => {
      const callId = `${prefix}-${sequence}`;
      const call: ProfileCall = { callId, phase: names[index], offeredAt: Date.now(), assignedAt: null, agentId: null, answeredAt: null, endedAt: null, outcome: null };
      const entry = { call, state: 'waiting' as LiveCall['state'], timers: [] as NodeJS.Timeout[] };
      live.set(callId, entry);
      report.calls.push(call);
      report.callIds.push(callId);
      report.phases[report.phases.length - 1].offered += 1;
      const from = `+3361${String(sequence).padStart(7, '0')}`;
      track(this.offer(callId, { from, to: options.to, queue: options.queue }), 'offered');
      if (options.patienceMs !== undefined) entry.timers.push(setTimeout(() => entry.state === 'waiting' && finish(entry, 'call.abandoned'), options.patienceMs));
    };

    const run = async (): Promise<ProfileReport> => {
      const origin = Date.now();
      let offset = 0;
      let sequence = 0;
      // The whole script is laid out on timers from one origin: no drift between phases.
      options.phases.forEach((phase, index) => {
        const phaseStart = offset;
        timers.push(setTimeout(() => startPhase(index), Math.max(0, phaseStart - (Date.now() - origin))));
        const count = phase.callsPerSecond > 0 ? Math.round(phase.seconds * phase.callsPerSecond) : 0;
        for (let k = 0; k < count; k++) {
          const number = ++sequence;
          // Same instant as the phase start for k = 0: the start timer was set first, so it runs first.
          timers.push(setTimeout(() => arrive(index, number), Math.max(0, phaseStart + (k * 1000) / phase.callsPerSecond - (Date.now() - origin))));
        }
        offset += phase.seconds * 1000;
      });
      const end = origin + offset;
      try {
        while (!stopped && Date.now() < end) await new Promise<void>((resolve) => ((wakeUp = resolve), setTimeout(resolve, Math.min(50, end - Date.now()))));
        const last = report.phases[report.phases.length - 1];
        if (last) last.endedAt = Date.now();
        current = null;
        const drain = options.drainMs ?? (options.patienceMs ?? 5000) + options.holdMs + 2000;
        const deadline = Date.now() + drain;
        while (!stopped && [...live.values()].some((entry) => entry.state !== 'over') && Date.now() < deadline) await sleep(50);
      } finally {
        timers.forEach(clearTimeout);
        stopped = true;
        current = null;
        off();
        for (const entry of live.values()) finish(entry, entry.state === 'talking' ? 'call.ended' : 'call.abandoned');
        await Promise.all([...pending]);
        for (const [index, list] of waiters) list.forEach((waiter) => waiter.reject(new Error(`the profile ended before phase ${names[index]}`)));
        waiters.clear();
      }
      for (let i = 0; i < report.phases.length - 1; i++) report.phases[i].endedAt = report.phases[i + 1].startedAt;
      return report;
    };
    const done = run();
    return {
      get calls() {
        return report.calls;
      },
      get phase() {
        return current;
      },
      phaseStarted(phase: string | number): Promise<number> {
        const index = typeof phase === 'number' ? phase : names.indexOf(phase);
        if (index < 0 || index >= names.length) return Promise.reject(new Error(`no phase ${String(phase)}`));
        const at = started.get(index);
        if (at !== undefined) return Promise.resolve(at);
        if (stopped) return Promise.reject(new Error(`the profile ended before phase ${names[index]}`));
        return new Promise((resolve, reject) => waiters.set(index, [...(waiters.get(index) ?? []), { resolve, reject }]));
      },
      done,
      stop(): Promise<ProfileReport> {
        stopped = true;
        wakeUp();
        return done;
      },
    };
  }

  // ---- a day at the call centre -----------------------------------------------

  /** Plays calls against the ACD for a bounded time; needs `listen()` and agents who accept offers. */
  async playDay(options: DayOptions): Promise<DayReport> {
    const random = mulberry32(options.seed ?? 1);
    const between = ([min, max]: [number, number]) => min + random() * (max - min);
    const report: DayReport = { offered: 0, assigned: 0, answered: 0, abandoned: 0, ended: 0, errors: 0, badSignatures: 0, callIds: [] };
    const calls = new Map<string, LiveCall>();
    const pending = new Set<Promise<unknown>>();
    const track = (promise: Promise<SimResponse>, counter?: keyof DayReport) => {
      const tracked = promise
        .then((result) => {
          if (result.status >= 400) report.errors += 1;
          else if (counter && typeof report[counter] === 'number') (report[counter] as number) += 1;
        })
        .catch(() => (report.errors += 1))
        .finally(() => pending.delete(tracked));
      pending.add(tracked);
    };
    const finish = (call: LiveCall, type: 'call.abandoned' | 'call.ended') => {
      if (call.state === 'over') return;
      call.state = 'over';
      call.timers.forEach(clearTimeout);
      track(this.send({ type, callId: call.callId }), type === 'call.abandoned' ? 'abandoned' : 'ended');
    };
    const off = this.onAssign((assign) => {
      const call = calls.get(assign.payload.callId);
      if (!assign.validSignature) report.badSignatures += 1;
      if (!call || call.state !== 'waiting') return;
      call.state = 'assigned';
      report.assigned += 1;
      call.timers.forEach(clearTimeout);
      call.timers.push(
        setTimeout(() => {
          if (call.state !== 'assigned') return;
          call.state = 'talking';
          track(this.answer(call.callId), 'answered');
          call.timers.push(setTimeout(() => finish(call, 'call.ended'), between(options.talkMs)));
        }, options.answerDelayMs ?? 0),
      );
    });

    const started = Date.now();
    const runId = `${started.toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
    let sequence = 0;
    try {
      for (;;) {
        const gap = -Math.log(1 - random()) * (1000 / options.callsPerSecond);
        if (Date.now() + gap - started > options.durationMs) break;
        await sleep(gap);
        const callId = `sim-${runId}-${++sequence}`;
        const call: LiveCall = { callId, state: 'waiting', timers: [] };
        calls.set(callId, call);
        report.callIds.push(callId);
        const from = `+3360000${String(Math.floor(random() * (options.callers ?? 50))).padStart(4, '0')}`;
        track(this.offer(callId, { from, to: options.to, queue: options.queue }), 'offered');
        call.timers.push(setTimeout(() => call.state === 'waiting' && finish(call, 'call.abandoned'), between(options.patienceMs)));
      }
      const drain = options.drainMs ?? options.patienceMs[1] + options.talkMs[1] + 2000;
      const deadline = Date.now() + drain;
      while ([...calls.values()].some((call) => call.state !== 'over') && Date.now() < deadline) await sleep(50);
    } finally {
      off();
      // Bounded: whatever is still up is hung up now.
      for (const call of calls.values()) finish(call, call.state === 'talking' ? 'call.ended' : 'call.abandoned');
      await Promise.all([...pending]);
    }
    return report;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Small seeded PRNG (the same seed plays the same day). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const url = args.get('url') ?? 'http://127.0.0.1:3000';
  const secret = args.get('secret') ?? '';
  if (secret.length < 16) throw new Error('--secret (TELEPHONY_SECRET of the ACD, 16+ characters) is required');
  const sim = new TelephonySimulator(url, secret);
  const webhook = await sim.listen(Number(args.get('listen') ?? 4010));
  process.stdout.write(`call.assign webhooks expected at ${webhook} (set TELEPHONY_WEBHOOK_URL)\n`);
  const seconds = Number(args.get('seconds') ?? 60);
  const report = await sim.playDay({
    durationMs: seconds * 1000,
    callsPerSecond: Number(args.get('rate') ?? 0.5),
    patienceMs: [5000, 40000],
    talkMs: [5000, 60000],
    answerDelayMs: 200,
    to: args.get('to'),
    queue: args.get('queue'),
    seed: Number(args.get('seed') ?? 1),
  });
  await sim.close();
  const { callIds, ...figures } = report;
  process.stdout.write(`${JSON.stringify({ calls: callIds.length, ...figures }, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
