import { TelephonySimulator } from '../bench/telephony-sim';
import { signTelephony } from '../src/channels/voice/telephony-signature';
import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
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

const SECRET = 'telephony-test-secret-0123456789';

/**
 * The voice channel end to end: a simulated telephony system posts signed
 * call events over real HTTP and receives the ACD's signed call.assign on a
 * real HTTP listener; agents are real socket.io-clients. Every scenario uses
 * its own skill and queue, so scenarios sharing one app never see each other's calls.
 */
describe.each<StoreKind>(['memory', 'redis'])('voice channel end to end (%s store)', (store) => {
  let env: TestEnvironment;
  let app: TestApp;
  let sim: TelephonySimulator;
  const sockets: SocketClient[] = [];
  let scenario = 0;
  const skill = () => `v${scenario}`;
  const callId = (name: string) => `${store}-${scenario}-${name}-${Date.now()}`;

  const agentOnline = async (skills: Record<string, number>, extra: { extension?: string; capacity?: Record<string, number> } = {}) => {
    const agent = await createAgent(app, { skills, capacity: { voice: 1, chat: 0, email: 0, ...extra.capacity } });
    if (extra.extension) await app.api.patch(`/api/agents/${agent.id}`, { extension: extra.extension });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    return { ...agent, socket };
  };

  const voiceQueue = (settings: Record<string, unknown> = {}) => createQueue(app, { channel: 'voice', skills: [skill()], offerTimeoutSeconds: 5, ...settings });

  beforeAll(async () => {
    env = await createTestEnvironment(store);
    sim = new TelephonySimulator('', SECRET);
    const webhook = await sim.listen();
    app = await startTestApp(env, { telephonySecret: SECRET, telephonyWebhookUrl: webhook, rejectCooldownMs: 500 });
    sim.baseUrl = app.url;
  });

  beforeEach(() => {
    scenario += 1;
    sim.respondWith(() => 200);
  });

  afterEach(() => clearFloor(sockets));

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await env?.dispose();
  });

  it('offers a signed call.offered to the right agent and sends a signed call.assign on accept', async () => {
    const queue = await voiceQueue({ wrapUpSeconds: 0 });
    const without = await agentOnline({ other: 5 });
    const agent = await agentOnline({ [skill()]: 5 }, { extension: '2001' });
    const id = callId('basic');
    const offered = await sim.offer(id, { from: '+33 6 11 22 33 01', queue: queue.name });
    expect(offered.status).toBe(200);
    expect(offered.body.taskId).toEqual(expect.any(String));

    const offer = await agent.socket.next('offer', (o) => o.task.externalId === id);
    expect(offer.task).toMatchObject({ channel: 'voice', queueId: queue.id, id: offered.body.taskId });
    expect(offer.task.conversationId).toEqual(expect.any(String));
    expect(without.socket.all('offer')).toHaveLength(0);

    expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    const assign = await sim.nextAssign((a) => a.payload.callId === id);
    expect(assign.validSignature).toBe(true);
    expect(assign.payload).toEqual({ type: 'call.assign', callId: id, agentId: agent.id, extension: '2001' });

    expect((await sim.answer(id)).status).toBe(200);
    expect((await sim.end(id)).status).toBe(200);
    const task = (await app.api.get(`/api/tasks/${offered.body.taskId}`)).body;
    expect(task).toMatchObject({ status: 'completed', agentId: agent.id, disposition: 'call-ended' });
    // The agent is free for the next call.
    expect((await app.api.get(`/api/agents/${agent.id}`)).body.load.voice).toBe(0);

    // The call is in the caller's journey, with who took it, how it ended and its event history.
    const conversation = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    expect(conversation).toMatchObject({ channel: 'voice', customer: { phone: '+33611223301' }, tasks: [{ id: task.id }] });
    const journey = (await app.api.get(`/api/customers/${conversation.customer.id}/journey`)).body;
    const contact = journey.contacts.find((c: any) => c.conversationId === task.conversationId);
    expect(contact).toMatchObject({ channel: 'voice', outcome: { status: 'completed' }, handledBy: [{ agentId: agent.id }] });
    expect(contact.tasks[0].events.map((e: any) => e.type)).toEqual(['created', 'offered', 'assigned', 'connected', 'completed']);
  });

  it('refuses a bad, missing or stale signature with 401 and changes nothing; a malformed event is a 400', async () => {
    const queue = await voiceQueue();
    const event = { type: 'call.offered', callId: callId('forged'), from: '+33100000000', queue: queue.name };
    const forged = await sim.send(event, { secret: 'not-the-telephony-secret-at-all' });
    expect(forged).toMatchObject({ status: 401, body: { code: 'TELEPHONY_SIGNATURE_INVALID' } });
    expect((await sim.send(event, { unsigned: true })).status).toBe(401);
    expect((await sim.send(event, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    // A request captured and replayed 6 minutes later: correctly signed, but stale.
    const stale = await sim.send(event, { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(stale).toMatchObject({ status: 401, body: { code: 'TELEPHONY_TIMESTAMP_STALE' } });
    // The body must be the one that was signed.
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signTelephony(SECRET, timestamp, JSON.stringify({ ...event, priority: 1 }));
    expect((await sim.send(event, { timestamp, signature })).status).toBe(401);

    expect((await sim.send({ type: 'call.teleported', callId: callId('x') })).status).toBe(400);
    expect((await sim.send({ type: 'call.offered' })).status).toBe(400);
    expect((await sim.send({ ...event, extra: 1 })).status).toBe(400);
    expect((await app.api.get(`/api/tasks?queue=${queue.id}`)).body).toEqual([]);
  });

  it('takes duplicate and out-of-order events calmly', async () => {
    const queue = await voiceQueue();
    const agent = await agentOnline({ [skill()]: 5 });
    const id = callId('dup');
    const first = await sim.offer(id, { from: '+33100000001', queue: queue.name });
    const again = await sim.offer(id, { from: '+33100000001', queue: queue.name });
    expect(again).toMatchObject({ status: 200, body: { taskId: first.body.taskId, duplicate: true } });
    expect((await app.api.get(`/api/tasks?queue=${queue.id}`)).body).toHaveLength(1);

    // ended before answered: the agent's task completes; the late answered changes nothing.
    const offer = await agent.socket.next('offer', (o) => o.task.externalId === id);
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    expect((await sim.end(id)).status).toBe(200);
    expect((await sim.end(id)).body).toMatchObject({ duplicate: true });
    expect((await sim.answer(id)).status).toBe(200);
    expect((await app.api.get(`/api/tasks/${first.body.taskId}`)).body.status).toBe('completed');

    // abandoned before offered: the late call.offered creates no task.
    const late = callId('late');
    expect((await sim.abandon(late)).body).toMatchObject({ taskId: null, ignored: 'unknown-call' });
    expect((await sim.offer(late, { queue: queue.name })).body).toMatchObject({ taskId: null, ignored: 'call-already-ended' });
    expect((await app.api.get(`/api/tasks?queue=${queue.id}`)).body).toHaveLength(1);
  });

  it('revokes the ringing offer on the agent’s screen when the caller hangs up', async () => {
    const queue = await voiceQueue();
    const agent = await agentOnline({ [skill()]: 5 });
    const id = callId('abandon');
    const { body } = await sim.offer(id, { from: '+33100000002', queue: queue.name });
    const offer = await agent.socket.next('offer', (o) => o.task.id === body.taskId);
    expect((await sim.abandon(id)).status).toBe(200);
    expect(await agent.socket.next('offer:revoked', (r) => r.offerId === offer.offerId)).toEqual({ offerId: offer.offerId, reason: 'abandoned' });
    expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: false, error: { code: 'OFFER_NOT_FOUND' } });
    const task = (await app.api.get(`/api/tasks/${body.taskId}`)).body;
    expect(task).toMatchObject({ status: 'abandoned', disposition: 'caller-hung-up' });
    expect((await app.api.get(`/api/agents/${agent.id}`)).body.load.voice).toBe(0);
    const history = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    const journey = (await app.api.get(`/api/customers/${history.customer.id}/journey`)).body;
    expect(journey.contacts.at(-1).tasks[0].events.map((e: any) => e.type)).toEqual(['created', 'offered', 'abandoned']);
  });

  it('retries the call.assign webhook with backoff until the telephony system takes it', async () => {
    const queue = await voiceQueue();
    const agent = await agentOnline({ [skill()]: 5 });
    const id = callId('retry');
    const attempts: number[] = [];
    sim.respondWith((assign, attempt) => {
      if (assign.payload.callId !== id) return 200;
      attempts.push(attempt);
      return attempt < 3 ? 503 : 200;
    });
    await sim.offer(id, { queue: queue.name });
    const offer = await agent.socket.next('offer', (o) => o.task.externalId === id);
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    const assign = await sim.nextAssign((a) => a.payload.callId === id, 5000);
    expect(assign.validSignature).toBe(true);
    expect(attempts).toEqual([1, 2, 3]);
    await sim.answer(id);
    await sim.end(id);
  });

  it('puts a call nobody connected back at the head of the queue and frees the agent', async () => {
    // Ring time 1 s: the telephony system has 1 s after call.assign to confirm with call.answered.
    const queue = await voiceQueue({ offerTimeoutSeconds: 1 });
    const agent = await agentOnline({ [skill()]: 5 });
    const first = callId('lost');
    const { body } = await sim.offer(first, { queue: queue.name });
    const offer = await agent.socket.next('offer', (o) => o.task.id === body.taskId);
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    await sim.nextAssign((a) => a.payload.callId === first);
    // A more urgent call arrives while the agent is busy: it would be next, were the lost call not put back first.
    const urgent = callId('urgent');
    const second = await sim.offer(urgent, { queue: queue.name, priority: 90 });

    const update = await agent.socket.next('task:updated', (u) => u.task.id === body.taskId, 4000);
    expect(update.task).toMatchObject({ status: 'queued', agentId: null });
    const again = await agent.socket.next('offer', (o) => o.offerId !== offer.offerId, 4000);
    expect(again.task.id).toBe(body.taskId);
    expect((await app.api.get(`/api/tasks/${second.body.taskId}`)).body.status).toBe('queued');
    await agent.socket.emit('offer:accept', { offerId: again.offerId });
    await sim.answer(first);
    await sim.end(first);
    await sim.abandon(urgent);
  });

  it('routes by dialled number, gives VIP callers priority and their account manager first', async () => {
    const queue = await voiceQueue({ preferredAgentTimeoutSeconds: 30 });
    const idle = await agentOnline({ [skill()]: 9 });
    const manager = await agentOnline({ [skill()]: 1 });
    const number = `+3318000${String(scenario).padStart(4, '0')}${store === 'redis' ? 1 : 2}`;
    const route = await app.api.post('/api/call-routes', { number, queue: queue.name, priority: 5 });
    expect(route).toMatchObject({ status: 201, body: { number, queueId: queue.id, priority: 5, vipPriorityBoost: 20 } });
    const phone = `+336990${String(scenario).padStart(4, '0')}${store === 'redis' ? 1 : 2}`;
    const customer = await app.api.post('/api/customers', { name: 'Ada VIP', phone, vip: true, accountManagerAgentId: manager.id });
    expect(customer.status).toBe(201);

    const id = callId('vip');
    const { body } = await sim.offer(id, { from: phone, to: number });
    const offer = await manager.socket.next('offer', (o) => o.task.id === body.taskId);
    expect(offer.task).toMatchObject({ priority: 25, preferredAgentId: manager.id, attributes: { customerId: customer.body.id, vip: true, route: number } });
    expect(idle.socket.all('offer')).toHaveLength(0);
    await sim.abandon(id);

    // Unknown number and no queue in the event: 400, nothing created.
    expect((await sim.offer(callId('nowhere'), { to: '+999' })).body).toMatchObject({ code: 'VOICE_NO_ROUTE' });
    expect((await app.api.get('/api/call-routes')).body.map((r: any) => r.number)).toContain(number);
  });

  it('plays a short simulated day: every call ends answered-and-ended or abandoned', async () => {
    const queue = await voiceQueue({ offerTimeoutSeconds: 2 });
    const agents = [await agentOnline({ [skill()]: 5 }), await agentOnline({ [skill()]: 5 })];
    // The agents take every call they are offered and are freed when the call ends.
    for (const agent of agents) {
      agent.socket.socket.on('offer', (offer: any) => void agent.socket.emit('offer:accept', { offerId: offer.offerId }).catch(() => undefined));
    }
    const report = await sim.playDay({ durationMs: 1500, callsPerSecond: 6, patienceMs: [300, 900], talkMs: [100, 400], queue: queue.name, seed: 7 });
    expect(report.offered).toBe(report.callIds.length);
    expect(report.offered).toBeGreaterThan(3);
    expect(report.errors).toBe(0);
    expect(report.badSignatures).toBe(0);
    expect(report.ended + report.abandoned).toBe(report.offered);
    expect(report.answered).toBeGreaterThan(0);
    await sleep(200);
    const tasks = (await app.api.get(`/api/tasks?queue=${queue.id}&limit=500`)).body as Array<{ id: string; status: string }>;
    expect(tasks).toHaveLength(report.offered);
    expect(tasks.filter((t) => t.status !== 'completed' && t.status !== 'abandoned')).toEqual([]);
    for (const agent of agents) expect((await app.api.get(`/api/agents/${agent.id}`)).body.load.voice).toBe(0);
  });
});

/**
 * Call control from the agent's call card (`POST /api/calls/:taskId/hold|resume|end`):
 * the same real telephony simulator receives the signed call.hold / call.resume /
 * call.hangup webhooks; the history and the customer journey show the hold.
 */
describe('call control from the agent’s call card (hold, resume, end)', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let sim: TelephonySimulator;
  const sockets: SocketClient[] = [];
  let scenario = 0;
  const skill = () => `cc${scenario}`;
  const callId = (name: string) => `cc-${scenario}-${name}-${Date.now()}`;

  /** An agent (socket available) with an answered telephony call in hand. */
  const agentOnCall = async (name: string, queueSettings: Record<string, unknown> = {}) => {
    const queue = await createQueue(app, { channel: 'voice', skills: [skill()], offerTimeoutSeconds: 5, wrapUpSeconds: 30, ...queueSettings });
    const agent = await createAgent(app, { skills: { [skill()]: 5 }, capacity: { voice: 1, chat: 1, email: 0 } });
    await app.api.patch(`/api/agents/${agent.id}`, { extension: `3${String(scenario).padStart(3, '0')}` });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    const id = callId(name);
    const { body } = await sim.offer(id, { from: `+33 6 55 00 ${String(scenario).padStart(2, '0')} 01`, queue: queue.name });
    const offer = await socket.next('offer', (o) => o.task.id === body.taskId);
    expect(await socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    await sim.nextAssign((a) => a.payload.callId === id && a.payload.type === 'call.assign');
    expect((await sim.answer(id)).status).toBe(200);
    return { agent, socket, queue, callId: id, taskId: body.taskId as string, api: app.api.as(agent.token) };
  };

  const commands = (id: string) => sim.assigns.filter((a) => a.payload.callId === id).map((a) => a.payload.type);

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    sim = new TelephonySimulator('', SECRET);
    const webhook = await sim.listen();
    app = await startTestApp(env, { telephonySecret: SECRET, telephonyWebhookUrl: webhook });
    sim.baseUrl = app.url;
  });

  beforeEach(() => {
    scenario += 1;
    sim.respondWith(() => 200);
  });

  afterEach(() => clearFloor(sockets));

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await env?.dispose();
  });

  it('holds, resumes and ends a call: signed webhooks out, history recorded, disposition kept, agent in wrap-up', async () => {
    const call = await agentOnCall('hold');
    const extension = `3${String(scenario).padStart(3, '0')}`;

    const held = await call.api.post(`/api/calls/${call.taskId}/hold`);
    expect(held).toMatchObject({ status: 200, body: { telephony: 'sent', task: { id: call.taskId, status: 'assigned', attributes: { heldAt: expect.any(String) } } } });
    const hold = await sim.nextAssign((a) => a.payload.callId === call.callId && a.payload.type === 'call.hold');
    expect(hold.validSignature).toBe(true);
    expect(hold.payload).toEqual({ type: 'call.hold', callId: call.callId, agentId: call.agent.id, extension });
    // Every screen of the agent follows.
    const pushed = await call.socket.next('task:updated', (u) => u.task.id === call.taskId && typeof u.task.attributes.heldAt === 'string');
    expect(pushed.task.status).toBe('assigned');
    // Twice: a conflict, nothing sent again.
    expect(await call.api.post(`/api/calls/${call.taskId}/hold`)).toMatchObject({ status: 409, body: { code: 'CALL_ALREADY_HELD' } });
    expect(commands(call.callId)).toEqual(['call.assign', 'call.hold']);

    const resumed = await call.api.post(`/api/calls/${call.taskId}/resume`);
    expect(resumed).toMatchObject({ status: 200, body: { telephony: 'sent', task: { attributes: { heldAt: null } } } });
    expect((await sim.nextAssign((a) => a.payload.callId === call.callId && a.payload.type === 'call.resume')).validSignature).toBe(true);
    expect(await call.api.post(`/api/calls/${call.taskId}/resume`)).toMatchObject({ status: 409, body: { code: 'CALL_NOT_HELD' } });

    // Held again, then hung up by the agent with a disposition: wrap-up, and the telephony system is told to hang up.
    expect((await call.api.post(`/api/calls/${call.taskId}/hold`)).status).toBe(200);
    const ended = await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: 'resolved' });
    expect(ended).toMatchObject({ status: 200, body: { telephony: 'sent', task: { status: 'wrapping', disposition: 'resolved', attributes: { heldAt: null } } } });
    const hangup = await sim.nextAssign((a) => a.payload.callId === call.callId && a.payload.type === 'call.hangup');
    expect(hangup).toMatchObject({ validSignature: true, payload: { agentId: call.agent.id, extension } });
    expect(commands(call.callId)).toEqual(['call.assign', 'call.hold', 'call.resume', 'call.hold', 'call.hangup']);
    await call.socket.next('presence', (p) => p.state === 'wrapup');
    expect((await app.api.get(`/api/agents/${call.agent.id}`)).body).toMatchObject({ presence: { state: 'wrapup' }, load: { voice: 0 } });

    // The telephony system confirms the hang-up: the agent's disposition stays.
    expect((await sim.end(call.callId)).status).toBe(200);
    expect((await app.api.get(`/api/tasks/${call.taskId}`)).body).toMatchObject({ status: 'wrapping', disposition: 'resolved' });
    expect(await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: 'resolved' })).toMatchObject({ status: 409, body: { code: 'CALL_NOT_ACTIVE' } });

    // The journey shows the holds, with how long the first one lasted.
    const task = (await app.api.get(`/api/tasks/${call.taskId}`)).body;
    const conversation = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    const journey = (await app.api.get(`/api/customers/${conversation.customer.id}/journey`)).body;
    const events = journey.contacts.find((c: any) => c.conversationId === task.conversationId).tasks[0].events;
    expect(events.map((e: any) => e.type)).toEqual(['created', 'offered', 'assigned', 'connected', 'held', 'resumed', 'held', 'completed']);
    expect(events.find((e: any) => e.type === 'resumed')).toMatchObject({ agentId: call.agent.id, data: { heldSeconds: expect.any(Number) } });
  });

  it('is only for the agent holding the call, with a valid request (400 / 403 / 404 / 409, nothing changes)', async () => {
    const call = await agentOnCall('guard');
    const other = await createAgent(app, { skills: { [skill()]: 5 } });
    const otherApi = app.api.as(other.token);
    expect(await otherApi.post(`/api/calls/${call.taskId}/hold`)).toMatchObject({ status: 403, body: { code: 'CALL_NOT_YOURS' } });
    expect(await otherApi.post(`/api/calls/${call.taskId}/end`, {})).toMatchObject({ status: 403, body: { code: 'CALL_NOT_YOURS' } });
    // An admin is not the agent on the call either.
    expect((await app.api.post(`/api/calls/${call.taskId}/hold`)).status).toBe(403);
    expect((await new ApiClient(app.url).post(`/api/calls/${call.taskId}/hold`)).status).toBe(401);

    expect(await call.api.post('/api/calls/not-a-uuid/hold')).toMatchObject({ status: 400 });
    expect(await call.api.post(`/api/calls/${call.taskId}/hold`, { music: 'jazz' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: 5 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: '' })).toMatchObject({ status: 400 });
    expect(await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: 'x'.repeat(201) })).toMatchObject({ status: 400 });
    expect(await call.api.post(`/api/calls/00000000-0000-4000-8000-000000000000/hold`)).toMatchObject({ status: 404, body: { code: 'CALL_NOT_FOUND' } });

    // Not a call: a chat the agent holds.
    const chatQueue = await createQueue(app, { channel: 'chat', skills: [skill()] });
    const chat = await createTask(app, { channel: 'chat', queue: chatQueue.name });
    expect(await call.api.post(`/api/calls/${chat.id}/hold`)).toMatchObject({ status: 400, body: { code: 'CALL_NOT_A_CALL' } });

    expect((await app.api.get(`/api/tasks/${call.taskId}`)).body).toMatchObject({ status: 'assigned', agentId: call.agent.id });
    expect((await app.api.get(`/api/tasks/${call.taskId}`)).body.attributes.heldAt).toBeUndefined();
    expect(commands(call.callId)).toEqual(['call.assign']);
    expect((await call.api.post(`/api/calls/${call.taskId}/end`)).body).toMatchObject({ task: { status: 'wrapping', disposition: null } });
  });

  it('undoes a hold the telephony system refuses (503), and still ends a call whose hang-up it refuses', async () => {
    const call = await agentOnCall('refused', { wrapUpSeconds: 0 });
    sim.respondWith((command) => (command.payload.type === 'call.assign' ? 200 : 400));
    expect(await call.api.post(`/api/calls/${call.taskId}/hold`)).toMatchObject({ status: 503, body: { code: 'TELEPHONY_UNREACHABLE' } });
    const task = (await app.api.get(`/api/tasks/${call.taskId}`)).body;
    expect(task).toMatchObject({ status: 'assigned', attributes: { heldAt: null } });
    expect(await call.api.post(`/api/calls/${call.taskId}/resume`)).toMatchObject({ status: 409, body: { code: 'CALL_NOT_HELD' } });

    const ended = await call.api.post(`/api/calls/${call.taskId}/end`, { disposition: 'follow-up' });
    expect(ended).toMatchObject({ status: 200, body: { telephony: 'failed', task: { status: 'completed', disposition: 'follow-up' } } });
    expect((await app.api.get(`/api/agents/${call.agent.id}`)).body).toMatchObject({ presence: { state: 'available' }, load: { voice: 0 } });
    const history = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    const journey = (await app.api.get(`/api/customers/${history.customer.id}/journey`)).body;
    const events = journey.contacts.find((c: any) => c.conversationId === task.conversationId).tasks[0].events.map((e: any) => e.type);
    expect(events).not.toContain('held');
    await sim.end(call.callId);
  });
});
