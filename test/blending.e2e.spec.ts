import { TelephonySimulator } from '../bench/telephony-sim';
import { SocketClient } from './support/agent-client';
import {
  StoreKind,
  TestApp,
  TestEnvironment,
  availableAgent,
  createAgent,
  createQueue,
  createTask,
  createTestEnvironment,
  sleep,
  startTestApp,
  clearFloor,
} from './support/test-app';

const TELEPHONY_SECRET = 'blending-telephony-secret-0123456789';

/**
 * Blending simulation: a scripted voice load with a peak and a lull against
 * the real app (real Postgres, each state store, real socket clients). Every
 * scenario uses its own skill, so its lanes and agents are its own; the policy
 * is floor-wide, so each scenario sets the policy it needs first. The last
 * scenario gets its voice load only from the simulated telephony system
 * (bench/telephony-sim.ts): signed call events in, signed call.assign out.
 */
describe.each<StoreKind>(['memory', 'redis'])('blending (%s store)', (store) => {
  let env: TestEnvironment;
  let app: TestApp;
  let sim: TelephonySimulator;
  const sockets: SocketClient[] = [];
  let scenario = 0;
  const skill = () => `b${scenario}`;

  const QUIET = { lullMaxVoiceWaiting: 0, lullMaxVoiceWaitSeconds: 0, voiceReserveAgents: 0, interruptibleEmail: false, chatDuringCalls: false, emailSlaGuardPercent: 80, channelCapacity: {}, teams: {} };

  const setPolicy = async (change: Record<string, unknown>) => {
    const res = await app.api.put('/api/blending', change);
    expect(res.status).toBe(200);
    return res.body;
  };

  const agentOnline = async (capacity: Record<string, number> = { voice: 1, chat: 0, email: 2 }) => {
    const agent = await createAgent(app, { skills: { [skill()]: 5 }, capacity });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    return { ...agent, socket };
  };

  const queues = async (emailSla = 3600) => ({
    voice: await createQueue(app, { channel: 'voice', skills: [skill()], slaSeconds: 20 }),
    email: await createQueue(app, { channel: 'email', skills: [skill()], slaSeconds: emailSla }),
  });

  /** Accepts the next offer for `taskId` and returns it. */
  const take = async (agent: { socket: SocketClient }, taskId: string, timeoutMs = 3000) => {
    const offer = await agent.socket.next('offer', (o) => o.task.id === taskId, timeoutMs);
    expect((await agent.socket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
    return offer;
  };

  const complete = async (agent: { socket: SocketClient }, taskId: string) => {
    expect(await agent.socket.emit('task:complete', { taskId })).toMatchObject({ ok: true });
  };

  const emailOffers = (agent: { socket: SocketClient }, since: number) =>
    agent.socket.events.filter((e) => e.event === 'offer' && e.payload.task.channel === 'email' && e.at >= since);

  beforeAll(async () => {
    env = await createTestEnvironment(store);
    sim = new TelephonySimulator('', TELEPHONY_SECRET);
    const webhook = await sim.listen();
    app = await startTestApp(env, { rejectCooldownMs: 1000, telephonySecret: TELEPHONY_SECRET, telephonyWebhookUrl: webhook });
    sim.baseUrl = app.url;
  });

  beforeEach(() => {
    scenario += 1;
  });

  afterEach(() => clearFloor(sockets));

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await env?.dispose();
  });

  it('holds email back during a call peak and offers it in the lull', async () => {
    await setPolicy(QUIET);
    const q = await queues();
    const a = await agentOnline();
    // Lull (no calls): the email goes out at once.
    const e1 = await createTask(app, { channel: 'email', queue: q.email.id });
    await take(a, e1.id);
    // Peak: two calls wait (the agent, busy with an email, cannot take a call: not interruptible).
    const peakStart = Date.now();
    const c1 = await createTask(app, { channel: 'voice', queue: q.voice.id });
    const c2 = await createTask(app, { channel: 'voice', queue: q.voice.id });
    const e2 = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(400);
    // The agent has room for a second email, but the peak holds it back.
    expect(emailOffers(a, peakStart)).toHaveLength(0);
    expect((await app.api.get(`/api/tasks/${e2.id}`)).body.status).toBe('queued');
    const stats = (await app.api.get('/api/stats/realtime')).body;
    expect(stats.queues.find((row: any) => row.id === q.voice.id)).toMatchObject({ waiting: 2 });
    expect(stats.blending).toMatchObject({ lull: false, reason: 'too-many-calls-waiting' });
    // Finishing the email frees the agent for the calls, one after the other; still no email.
    await complete(a, e1.id);
    await take(a, c1.id);
    await complete(a, c1.id);
    await take(a, c2.id);
    expect(emailOffers(a, peakStart)).toHaveLength(0);
    // The last call ends: the lull starts, the waiting email is offered.
    const lullStart = Date.now();
    await complete(a, c2.id);
    const offer = await a.socket.next('offer', (o) => o.task.id === e2.id, 2000);
    expect(offer.task.channel).toBe('email');
    expect(Date.now() - lullStart).toBeLessThan(1000);
  });

  it('applies a policy change within a second: loosening sends held email out, tightening holds new email back', async () => {
    await setPolicy(QUIET);
    const q = await queues();
    const a = await agentOnline({ voice: 1, chat: 0, email: 3 });
    const e1 = await createTask(app, { channel: 'email', queue: q.email.id });
    await take(a, e1.id);
    await createTask(app, { channel: 'voice', queue: q.voice.id });
    const held = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(300);
    expect((await app.api.get(`/api/tasks/${held.id}`)).body.status).toBe('queued');
    // Loosen: a lull now allows up to 5 calls waiting for up to 10 minutes.
    const changedAt = Date.now();
    await setPolicy({ lullMaxVoiceWaiting: 5, lullMaxVoiceWaitSeconds: 600 });
    await take(a, held.id, 1000);
    expect(Date.now() - changedAt).toBeLessThan(1000);
    // Tighten again: the next email waits although the agent still has room; work in hand stays.
    await setPolicy({ lullMaxVoiceWaiting: 0 });
    const next = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(400);
    expect((await app.api.get(`/api/tasks/${next.id}`)).body.status).toBe('queued');
    expect((await app.api.get(`/api/tasks/${held.id}`)).body).toMatchObject({ status: 'assigned', agentId: a.id });
  });

  it('offers a call to an agent working an email when email is interruptible, and gives the parked email back after the call', async () => {
    await setPolicy({ ...QUIET, interruptibleEmail: true });
    const q = await queues();
    const a = await agentOnline();
    const email = await createTask(app, { channel: 'email', queue: q.email.id });
    await take(a, email.id);
    const call = await createTask(app, { channel: 'voice', queue: q.voice.id });
    await take(a, call.id, 2000);
    const parked = await a.socket.next('task:updated', (u) => u.task.id === email.id && u.task.attributes.parked);
    expect(parked.task.attributes.parked.byTaskId).toBe(call.id);
    expect(parked.task).toMatchObject({ status: 'assigned', agentId: a.id });
    await complete(a, call.id);
    const resumed = await a.socket.next('task:updated', (u) => u.task.id === email.id && !u.task.attributes.parked);
    expect(resumed.task).toMatchObject({ status: 'assigned', agentId: a.id });
    const view = (await app.api.get(`/api/tasks/${email.id}`)).body;
    expect(view).toMatchObject({ status: 'assigned', agentId: a.id });
    expect(view.attributes.parked).toBeUndefined();
    await complete(a, email.id);
  });

  it('does not interrupt email with a call when the policy says so', async () => {
    await setPolicy(QUIET);
    const q = await queues();
    const a = await agentOnline();
    const email = await createTask(app, { channel: 'email', queue: q.email.id });
    await take(a, email.id);
    const call = await createTask(app, { channel: 'voice', queue: q.voice.id });
    await sleep(400);
    expect(a.socket.all('offer').filter((o) => o.task.id === call.id)).toHaveLength(0);
  });

  it('keeps a call exclusive of chats by default, and lets chats and a call run together with chatDuringCalls', async () => {
    await setPolicy(QUIET);
    const voice = await createQueue(app, { channel: 'voice', skills: [skill()], slaSeconds: 20 });
    const chat = await createQueue(app, { channel: 'chat', skills: [skill()], slaSeconds: 60 });
    const a = await agentOnline({ voice: 1, chat: 2, email: 1 });
    const first = await createTask(app, { channel: 'chat', queue: chat.id });
    await take(a, first.id);
    // Off: the agent holds a chat, so the call waits although the agent has room on voice.
    const call = await createTask(app, { channel: 'voice', queue: voice.id });
    await sleep(400);
    expect(a.socket.all('offer').filter((o) => o.task.id === call.id)).toHaveLength(0);
    expect((await app.api.get(`/api/tasks/${call.id}`)).body.status).toBe('queued');
    // On: the waiting call reaches the agent at once (a policy change re-runs matching)…
    expect(await setPolicy({ chatDuringCalls: true })).toMatchObject({ chatDuringCalls: true });
    await take(a, call.id, 2000);
    // …and a chat still comes while the call is up, up to the chat capacity.
    const second = await createTask(app, { channel: 'chat', queue: chat.id });
    await take(a, second.id, 2000);
    expect((await app.api.get(`/api/agents/${a.id}`)).body.load).toMatchObject({ voice: 1, chat: 2 });
    // Email is never offered during a call, whatever this option says (the agent has room for one).
    const email = await createTask(app, { channel: 'email', queue: (await createQueue(app, { channel: 'email', skills: [skill()] })).id });
    await sleep(300);
    expect((await app.api.get(`/api/tasks/${email.id}`)).body.status).toBe('queued');
    // Off again: nothing is taken away, but the next chat waits while the call is up.
    await setPolicy({ chatDuringCalls: false });
    await complete(a, second.id);
    const third = await createTask(app, { channel: 'chat', queue: chat.id });
    await sleep(400);
    expect(a.socket.all('offer').filter((o) => o.task.id === third.id)).toHaveLength(0);
    expect((await app.api.get(`/api/tasks/${call.id}`)).body).toMatchObject({ status: 'assigned', agentId: a.id });
    expect((await app.api.get(`/api/tasks/${first.id}`)).body).toMatchObject({ status: 'assigned', agentId: a.id });
    for (const id of [third.id, email.id]) expect((await app.api.post(`/api/tasks/${id}/cancel`)).status).toBe(200);
  });

  it('offers an email close to its SLA even during a peak, when its guard time comes (store timer, no event)', async () => {
    // 4 s SLA, guard at 50 %: the email must go out 2 s after it arrived, peak or not.
    await setPolicy({ ...QUIET, emailSlaGuardPercent: 50 });
    const q = await queues(4);
    const a = await agentOnline();
    const e1 = await createTask(app, { channel: 'email', queue: q.email.id });
    await take(a, e1.id);
    await createTask(app, { channel: 'voice', queue: q.voice.id });
    await createTask(app, { channel: 'voice', queue: q.voice.id });
    const created = Date.now();
    const urgent = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(800);
    expect(emailOffers(a, created)).toHaveLength(0);
    const offer = await a.socket.next('offer', (o) => o.task.id === urgent.id, 4000);
    const after = Date.now() - created;
    expect(offer.task.channel).toBe('email');
    expect(after).toBeGreaterThanOrEqual(1500);
    expect(after).toBeLessThan(3500);
  });

  it('keeps a voice reserve free of email', async () => {
    await setPolicy({ ...QUIET, voiceReserveAgents: 1 });
    const q = await queues();
    const a = await agentOnline();
    const b = await agentOnline();
    const e1 = await createTask(app, { channel: 'email', queue: q.email.id });
    const e2 = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(400);
    // One of the two takes the email (both emails, capacity 2); the other stays ready for calls.
    const withEmail = [a, b].filter((agent) => agent.socket.all('offer').length > 0);
    expect(withEmail).toHaveLength(1);
    expect(withEmail[0].socket.all('offer').map((o) => o.task.id).sort()).toEqual([e1.id, e2.id].sort());
    // Releasing the reserve lets the other agent work email too.
    const e3 = await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(200);
    expect((await app.api.get(`/api/tasks/${e3.id}`)).body.status).toBe('queued');
    await setPolicy({ voiceReserveAgents: 0 });
    const other = withEmail[0] === a ? b : a;
    await other.socket.next('offer', (o) => o.task.id === e3.id, 1000);
  });

  it('applies per-channel caps and team overrides', async () => {
    const q = await queues();
    const a = await agentOnline({ voice: 1, chat: 0, email: 3 });
    const b = await agentOnline({ voice: 1, chat: 0, email: 3 });
    // Floor cap: 1 email per agent; b's team may hold 2, and blends even with calls waiting.
    await setPolicy({ ...QUIET, channelCapacity: { email: 1 }, teams: { backoffice: { members: [b.id], channelCapacity: { email: 2 }, lullMaxVoiceWaiting: 10, lullMaxVoiceWaitSeconds: 600 } } });
    for (let i = 0; i < 4; i++) await createTask(app, { channel: 'email', queue: q.email.id });
    await sleep(500);
    expect(a.socket.all('offer')).toHaveLength(1);
    expect(b.socket.all('offer')).toHaveLength(2);
    for (const offer of a.socket.all('offer')) await a.socket.emit('offer:accept', { offerId: offer.offerId });
    for (const offer of b.socket.all('offer')) await b.socket.emit('offer:accept', { offerId: offer.offerId });
    // A call waits: a is held (floor lull rule), b's team is not; neither exceeds its cap.
    await createTask(app, { channel: 'voice', queue: q.voice.id });
    const done = b.socket.all('offer')[0].task.id;
    await complete(b, done);
    await b.socket.next('offer', (o) => o.task.channel === 'email' && o.task.id !== done, 1500);
  });

  it('validates the policy (400, nothing changes), records who changed what, and pushes it to supervisors', async () => {
    await setPolicy(QUIET);
    const supervisor = await SocketClient.connect(app.url, '/supervisor', app.adminToken);
    try {
      await supervisor.next('blending');
      await supervisor.next('stats');
      for (const bad of [
        { lullMaxVoiceWaiting: -1 },
        { interruptibleEmail: 'yes' },
        { chatDuringCalls: 1 },
        { chatDuringCalls: null },
        { emailSlaGuardPercent: 101 },
        { lullMaxVoiceWaiting: 3, unknown: 1 },
        { channelCapacity: { email: 99 } },
        { teams: { 'team a': { members: ['not-a-uuid'] } } },
        { lullMaxVoiceWaiting: 3, teams: { x: { members: [], surprise: true } } },
      ]) {
        const res = await app.api.put('/api/blending', bad);
        expect(res.status).toBe(400);
      }
      expect((await app.api.get('/api/blending')).body).toEqual(QUIET);
      const before = (await app.api.get('/api/blending/history')).body.length;
      const updated = await setPolicy({ lullMaxVoiceWaiting: 2, interruptibleEmail: true });
      expect(updated).toMatchObject({ lullMaxVoiceWaiting: 2, interruptibleEmail: true, voiceReserveAgents: 0 });
      const pushed = await supervisor.next('blending', (p) => p.lullMaxVoiceWaiting === 2, 1000);
      expect(pushed).toMatchObject({ interruptibleEmail: true, changed: ['lullMaxVoiceWaiting', 'interruptibleEmail'] });
      const history = (await app.api.get('/api/blending/history')).body;
      expect(history).toHaveLength(before + 1);
      expect(history[0]).toMatchObject({
        changedByName: expect.any(String),
        changes: { lullMaxVoiceWaiting: { before: 0, after: 2 }, interruptibleEmail: { before: false, after: true } },
      });
      expect(history[0].changedBy).toMatch(/^[0-9a-f-]{36}$/);
      // Agents may not read or change it.
      const agent = await createAgent(app);
      expect((await app.api.as(agent.token).get('/api/blending')).status).toBe(403);
    } finally {
      supervisor.close();
      await setPolicy(QUIET);
    }
  });
  it('plays a simulated telephony day (signed call events only): peak, policy change, SLA guard, lull, a call interrupting email', async () => {
    // Lull: at most 1 call waiting, for at most 2 s. SLA guard at 50 %: the 4 s queue's email goes out 2 s after it came.
    const LULL = { lullMaxVoiceWaiting: 1, lullMaxVoiceWaitSeconds: 2 };
    await setPolicy({ ...QUIET, ...LULL, emailSlaGuardPercent: 50 });
    const q = await queues();
    const urgentQueue = await createQueue(app, { channel: 'email', skills: [skill()], slaSeconds: 4 });
    // Agents accept every offer as it comes; the simulator answers on call.assign and hangs up after the hold.
    const acceptAll = (agent: { socket: SocketClient }) =>
      agent.socket.socket.on('offer', (offer: { offerId: string }) => void agent.socket.emit('offer:accept', { offerId: offer.offerId }).catch(() => undefined));
    const phones = await agentOnline({ voice: 1, chat: 0, email: 0 });
    const a = await agentOnline({ voice: 1, chat: 0, email: 2 });
    acceptAll(phones);
    acceptAll(a);
    const assigned = (taskId: string, timeoutMs = 3000) => a.socket.next('task:assigned', (t) => t.task.id === taskId, timeoutMs);
    const status = async (taskId: string) => (await app.api.get(`/api/tasks/${taskId}`)).body.status;
    const voiceWaiting = async (): Promise<number> =>
      (await app.api.get('/api/stats/realtime')).body.queues.find((row: any) => row.id === q.voice.id)?.waiting ?? 0;
    const callOffersTo = (agent: { socket: SocketClient }) => agent.socket.all('offer').filter((o) => o.task.channel === 'voice');

    // No calls yet: a's first email goes out at once. From here a works on email (not interruptible: no calls for a).
    const first = await createTask(app, { channel: 'email', queue: q.email.id });
    await assigned(first.id);

    const run = sim.startProfile({
      queue: q.voice.name,
      idPrefix: `blend-${store}-${scenario}-${Date.now()}`,
      holdMs: 500,
      answerDelayMs: 50,
      patienceMs: 3000,
      phases: [
        // 3 calls a second against one phone agent (~1.5 a second): calls pile up, callers hang up after 3 s.
        { name: 'peak', seconds: 7, callsPerSecond: 3 },
        // No arrivals: the waiting calls are answered or hang up, the lull starts.
        { name: 'lull', seconds: 6, callsPerSecond: 0 },
        // One call, when only a (working on two emails) is there to take it.
        { name: 'call-on-email', seconds: 1, callsPerSecond: 1 },
      ],
    });
    try {
      // PEAK: wait until calls wait beyond the lull thresholds (all from signed telephony events).
      for (let i = 0; i < 60 && (await voiceWaiting()) < 3; i++) await sleep(50);
      expect(await voiceWaiting()).toBeGreaterThanOrEqual(3);
      expect(run.phase).toBe('peak');
      const peakChecks = Date.now();
      const held = await createTask(app, { channel: 'email', queue: q.email.id });
      const urgent = await createTask(app, { channel: 'email', queue: urgentQueue.id });
      await sleep(1000);
      // a has room for one more email, but the peak holds both back.
      expect(emailOffers(a, peakChecks)).toHaveLength(0);
      expect(await status(held.id)).toBe('queued');
      expect(await voiceWaiting()).toBeGreaterThan(LULL.lullMaxVoiceWaiting);
      // The email near its SLA breach goes out during the peak, at its guard time (2 s), and only it.
      await assigned(urgent.id, 2500);
      const guardAfter = Date.now() - peakChecks;
      expect(guardAfter).toBeGreaterThanOrEqual(1500);
      expect(guardAfter).toBeLessThan(3000);
      expect(emailOffers(a, peakChecks).map((e) => e.payload.task.id)).toEqual([urgent.id]);
      expect(run.phase).toBe('peak');
      await complete(a, urgent.id);

      // Policy change mid-peak: loosening the lull rule sends the held email out within a second…
      const loosened = Date.now();
      await setPolicy({ lullMaxVoiceWaiting: 100, lullMaxVoiceWaitSeconds: 600 });
      await assigned(held.id, 1000);
      expect(Date.now() - loosened).toBeLessThan(1000);
      // …and tightening it again holds the next email back at once (work in hand stays).
      await setPolicy(LULL);
      await complete(a, first.id);
      const tightened = Date.now();
      const later = await createTask(app, { channel: 'email', queue: q.email.id });
      await sleep(500);
      expect(emailOffers(a, tightened)).toHaveLength(0);
      expect(await status(later.id)).toBe('queued');
      expect(await status(held.id)).toBe('assigned');
      expect(run.phase).toBe('peak');
      // The phone agent took calls all along; a (on email) was offered none.
      expect(callOffersTo(phones).length).toBeGreaterThan(0);
      expect(callOffersTo(a)).toHaveLength(0);

      // LULL: no more arrivals; once the waiting calls are answered or gone, the held email goes to a.
      const lullStart = await run.phaseStarted('lull');
      await a.socket.next('offer', (o) => o.task.id === later.id, 6000);
      const offeredAt = a.socket.events.find((e) => e.event === 'offer' && e.payload.task.id === later.id)!.at;
      expect(offeredAt).toBeGreaterThanOrEqual(lullStart);
      await assigned(later.id);
      expect(await voiceWaiting()).toBeLessThanOrEqual(LULL.lullMaxVoiceWaiting);
      const peakCalls = run.calls.filter((call) => call.phase === 'peak');
      expect(peakCalls).toHaveLength(21);
      expect(peakCalls.every((call) => call.agentId === null || call.agentId === phones.id)).toBe(true);

      // CALL ON EMAIL: interruptible email on; the phone agent's shift ends. a works on two emails.
      await setPolicy({ interruptibleEmail: true });
      expect(await phones.socket.emit('presence:set', { state: 'offline' })).toMatchObject({ ok: true });
      await run.phaseStarted('call-on-email');
      const callOffer = await a.socket.next('offer', (o) => o.task.channel === 'voice', 3000);
      const call = run.calls.find((c) => c.phase === 'call-on-email')!;
      expect(callOffer.task.externalId).toBe(call.callId);
      // a accepted: the simulator got a signed call.assign for a; both emails are parked, still a's.
      const assign = await sim.nextAssign((x) => x.payload.callId === call.callId, 3000);
      expect(assign).toMatchObject({ validSignature: true, payload: { agentId: a.id } });
      for (const email of [held, later]) {
        const parked = await a.socket.next('task:updated', (u) => u.task.id === email.id && u.task.attributes.parked, 3000);
        expect(parked.task).toMatchObject({ status: 'assigned', agentId: a.id, attributes: { parked: { byTaskId: callOffer.task.id } } });
      }
      // The simulator answers and hangs up after the hold (call.ended): the parked emails come back to a.
      for (const email of [held, later]) {
        const resumed = await a.socket.next('task:updated', (u) => u.task.id === email.id && !u.task.attributes.parked, 3000);
        expect(resumed.task).toMatchObject({ status: 'assigned', agentId: a.id });
      }
      expect((await app.api.get(`/api/tasks/${callOffer.task.id}`)).body).toMatchObject({ status: 'completed', agentId: a.id, disposition: 'call-ended' });
      for (const email of [held, later]) {
        const view = (await app.api.get(`/api/tasks/${email.id}`)).body;
        expect(view).toMatchObject({ status: 'assigned', agentId: a.id });
        expect(view.attributes.parked).toBeUndefined();
        await complete(a, email.id);
      }

      const report = await run.done;
      expect(report.phases.map((p) => [p.name, p.offered])).toEqual([['peak', 21], ['lull', 0], ['call-on-email', 1]]);
      expect(report).toMatchObject({ offered: 22, errors: 0, badSignatures: 0 });
      expect(report.answered).toBe(report.assigned);
      expect(report.ended).toBe(report.answered);
      expect(report.answered + report.abandoned).toBe(22);
      expect(report.abandoned).toBeGreaterThan(0);
    } finally {
      await run.stop();
      await setPolicy(QUIET);
    }
  }, 45_000);
});
