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

/**
 * The routing core end to end: the real AppModule on a real port, real
 * Postgres, each state store, and real socket.io-client agents. Every scenario
 * uses its own skill, so scenarios sharing one app never see each other's work.
 */
describe.each<StoreKind>(['memory', 'redis'])('routing end to end (%s store)', (store) => {
  let env: TestEnvironment;
  let app: TestApp;
  const sockets: SocketClient[] = [];
  let scenario = 0;
  const skill = () => `s${scenario}`;

  const agentOnline = async (skills: Record<string, number>, capacity = {}) => {
    const agent = await createAgent(app, { skills, capacity });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    return { ...agent, socket };
  };

  beforeAll(async () => {
    env = await createTestEnvironment(store);
    app = await startTestApp(env, { rejectCooldownMs: 1000, disconnectGraceMs: 1500 });
  });

  beforeEach(() => {
    scenario += 1;
  });

  afterEach(() => clearFloor(sockets));

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('offers a task only to an agent with every required skill', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill(), 'billing'] });
    const without = await agentOnline({ [skill()]: 5 });
    const withSkill = await agentOnline({ [skill()]: 5, billing: 3 });
    const task = await createTask(app, { channel: 'chat', queue: queue.name });
    const offer = await withSkill.socket.next('offer', (o) => o.task.id === task.id);
    expect(offer.task.queueId).toBe(queue.id);
    expect(offer.task.status).toBe('offered');
    await sleep(200);
    expect(without.socket.all('offer')).toHaveLength(0);
    const accepted = await withSkill.socket.emit('offer:accept', { offerId: offer.offerId });
    expect(accepted).toMatchObject({ ok: true, task: { id: task.id, status: 'assigned', agentId: withSkill.id } });
    expect((await app.api.get(`/api/tasks/${task.id}`)).body.status).toBe('assigned');
  });

  it('serves the highest effective priority first, and lets an old task age past a newer urgent one', async () => {
    const slow = await createQueue(app, { channel: 'email', skills: [skill()], slaSeconds: 3, priority: 0 });
    const urgent = await createQueue(app, { channel: 'email', skills: [skill()], slaSeconds: 20, priority: 9 });
    // Fresh: the urgent queue's deadline (now + 20 s / 10 = 2 s) beats the slow one's (3 s).
    const a = await createTask(app, { channel: 'email', queue: slow.id });
    const b = await createTask(app, { channel: 'email', queue: urgent.id });
    // Aged: a slow task that has waited 1.5 s (deadline +1.5 s) beats an urgent one created now (+2 s).
    const c = await createTask(app, { channel: 'email', queue: slow.id });
    await sleep(1500);
    const d = await createTask(app, { channel: 'email', queue: urgent.id });
    const agent = await agentOnline({ [skill()]: 5 }, { email: 1, chat: 0, voice: 0 });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const offer = await agent.socket.next('offer');
      order.push(offer.task.id);
      await agent.socket.emit('offer:accept', { offerId: offer.offerId });
      expect(await agent.socket.emit('task:complete', { taskId: offer.task.id })).toMatchObject({ ok: true });
    }
    expect(order).toEqual([b.id, a.id, c.id, d.id]);
  });

  it('gives an agent as many chats as its capacity, and not one more', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()] });
    const agent = await agentOnline({ [skill()]: 5 }, { chat: 3 });
    const tasks: Array<{ id: string }> = [];
    for (let i = 0; i < 4; i++) tasks.push(await createTask(app, { channel: 'chat', queue: queue.name }));
    for (let i = 0; i < 3; i++) {
      const offer = await agent.socket.next('offer');
      expect((await agent.socket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
    }
    await sleep(300);
    expect(agent.socket.all('offer')).toHaveLength(3);
    const fourth = (await app.api.get(`/api/tasks/${tasks[3].id}`)).body;
    expect(fourth.status).toBe('queued');
    const view = (await app.api.get(`/api/agents/${agent.id}`)).body;
    expect(view.load.chat).toBe(3);
    // Completing one chat frees a slot: the fourth comes at once.
    const first = agent.socket.all('offer')[0];
    await agent.socket.emit('task:complete', { taskId: first.task.id });
    const offer = await agent.socket.next('offer', (o) => o.task.id === tasks[3].id);
    expect(offer.task.id).toBe(tasks[3].id);
  });

  it('a call is exclusive: an agent on a call is offered no chat', async () => {
    const voice = await createQueue(app, { channel: 'voice', skills: [skill()] });
    const chat = await createQueue(app, { channel: 'chat', skills: [skill()] });
    const agent = await agentOnline({ [skill()]: 5 }, { voice: 1, chat: 3 });
    const call = await createTask(app, { channel: 'voice', queue: voice.id });
    const offer = await agent.socket.next('offer', (o) => o.task.id === call.id);
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    const chatTask = await createTask(app, { channel: 'chat', queue: chat.id });
    await sleep(300);
    expect(agent.socket.all('offer').map((o) => o.task.id)).not.toContain(chatTask.id);
    await agent.socket.emit('task:complete', { taskId: call.id });
    expect((await agent.socket.next('offer', (o) => o.task.id === chatTask.id)).task.channel).toBe('chat');
  });

  it('prefers the preferred agent, then the best proficiency, then the longest idle', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()], preferredAgentTimeoutSeconds: 1 });
    const longestIdle = await agentOnline({ [skill()]: 2 });
    const expert = await agentOnline({ [skill()]: 9 });
    const preferred = await agentOnline({ [skill()]: 1 });
    const sticky = await createTask(app, { channel: 'chat', queue: queue.id, preferredAgentId: preferred.id });
    expect((await preferred.socket.next('offer')).task.id).toBe(sticky.id);
    const plain = await createTask(app, { channel: 'chat', queue: queue.id });
    expect((await expert.socket.next('offer')).task.id).toBe(plain.id);
    expect(longestIdle.socket.all('offer')).toHaveLength(0);
  });

  it('waits for a busy preferred agent until the preference times out, then anyone may take it', async () => {
    const queue = await createQueue(app, { channel: 'voice', skills: [skill()], preferredAgentTimeoutSeconds: 1 });
    const preferred = await agentOnline({ [skill()]: 5 });
    const other = await agentOnline({ [skill()]: 5 });
    // Keep the preferred agent busy on a call.
    const busy = await createTask(app, { channel: 'voice', queue: queue.id, preferredAgentId: preferred.id });
    await preferred.socket.emit('offer:accept', { offerId: (await preferred.socket.next('offer')).offerId });
    const started = Date.now();
    const sticky = await createTask(app, { channel: 'voice', queue: queue.id, preferredAgentId: preferred.id });
    const offer = await other.socket.next('offer', (o) => o.task.id === sticky.id, 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(offer.task.id).toBe(sticky.id);
    expect(busy.id).not.toBe(sticky.id);
  });

  it('a rejected task goes to another agent and is not offered back to the rejecter at once', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()] });
    const first = await agentOnline({ [skill()]: 5 });
    const task = await createTask(app, { channel: 'chat', queue: queue.id });
    const offer = await first.socket.next('offer', (o) => o.task.id === task.id);
    const second = await agentOnline({ [skill()]: 1 });
    expect(await first.socket.emit('offer:reject', { offerId: offer.offerId, reason: 'busy' })).toEqual({ ok: true });
    const again = await second.socket.next('offer', (o) => o.task.id === task.id);
    expect(again.offerId).not.toBe(offer.offerId);
    // Rejected by the only other agent too: after the cooldown (1 s) the first agent is asked again.
    await second.socket.emit('offer:reject', { offerId: again.offerId });
    const third = await first.socket.next('offer', (o) => o.task.id === task.id && o.offerId !== offer.offerId, 4000);
    expect(third.task.id).toBe(task.id);
    const history = await app.api.get(`/api/tasks/${task.id}`);
    expect(history.body.status).toBe('offered');
  });

  it('an offer that rings out is re-queued and the agent set away (no-answer)', async () => {
    const queue = await createQueue(app, { channel: 'voice', skills: [skill()], offerTimeoutSeconds: 1 });
    const sleepy = await agentOnline({ [skill()]: 9 });
    const task = await createTask(app, { channel: 'voice', queue: queue.id });
    const offer = await sleepy.socket.next('offer', (o) => o.task.id === task.id);
    const awake = await agentOnline({ [skill()]: 1 });
    const revoked = await sleepy.socket.next('offer:revoked', (r) => r.offerId === offer.offerId, 4000);
    expect(revoked.reason).toBe('expired');
    const presence = await sleepy.socket.next('presence', (p) => p.state === 'away');
    expect(presence.reason).toBe('no-answer');
    expect((await awake.socket.next('offer', (o) => o.task.id === task.id, 4000)).task.id).toBe(task.id);
    const late = await sleepy.socket.emit('offer:accept', { offerId: offer.offerId });
    expect(late).toMatchObject({ ok: false, error: { code: 'OFFER_NOT_FOUND' } });
  });

  it('after completing, the agent wraps up for the queue’s wrap-up time, then gets work again', async () => {
    const queue = await createQueue(app, { channel: 'voice', skills: [skill()], wrapUpSeconds: 1 });
    const agent = await agentOnline({ [skill()]: 5 });
    const one = await createTask(app, { channel: 'voice', queue: queue.id });
    const two = await createTask(app, { channel: 'voice', queue: queue.id });
    await agent.socket.emit('offer:accept', { offerId: (await agent.socket.next('offer', (o) => o.task.id === one.id)).offerId });
    const done = await agent.socket.emit('task:complete', { taskId: one.id, disposition: 'solved' });
    expect(done).toMatchObject({ ok: true, task: { status: 'wrapping', disposition: 'solved' } });
    const completedAt = Date.now();
    await agent.socket.next('presence', (p) => p.state === 'wrapup');
    const next = await agent.socket.next('offer', (o) => o.task.id === two.id, 4000);
    expect(Date.now() - completedAt).toBeGreaterThanOrEqual(900);
    expect(next.task.id).toBe(two.id);
    expect((await app.api.get(`/api/tasks/${one.id}`)).body.status).toBe('completed');
    // Ending wrap-up early: complete the second, then go available at once.
    await agent.socket.emit('offer:accept', { offerId: next.offerId });
    await agent.socket.emit('task:complete', { taskId: two.id });
    const three = await createTask(app, { channel: 'voice', queue: queue.id });
    const early = Date.now();
    expect(await agent.socket.emit('presence:set', { state: 'available' })).toMatchObject({ ok: true, presence: { state: 'available' } });
    await agent.socket.next('offer', (o) => o.task.id === three.id);
    expect(Date.now() - early).toBeLessThan(900);
  });

  it('keeps a dropped agent’s state through the grace period, then goes offline and re-queues its offers', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()], offerTimeoutSeconds: 30 });
    const agent = await agentOnline({ [skill()]: 9 });
    const task = await createTask(app, { channel: 'chat', queue: queue.id });
    const offer = await agent.socket.next('offer', (o) => o.task.id === task.id);
    agent.socket.close();
    await sleep(500);
    // Back within the grace period: same presence, the ringing offer is shown again.
    const back = await SocketClient.connect(app.url, '/agent', agent.token);
    sockets.push(back);
    expect((await back.next('presence')).state).toBe('available');
    expect((await back.next('offer')).offerId).toBe(offer.offerId);
    back.close();
    const other = await agentOnline({ [skill()]: 1 });
    const moved = await other.socket.next('offer', (o) => o.task.id === task.id, 5000);
    expect(moved.task.id).toBe(task.id);
    const view = (await app.api.get(`/api/agents/${agent.id}`)).body;
    expect(view.presence.state).toBe('offline');
  });

  it('answers invalid socket payloads with {ok:false,error} and changes nothing', async () => {
    const agent = await agentOnline({ [skill()]: 1 });
    expect(await agent.socket.emit('presence:set', { state: 'sleeping' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await agent.socket.emit('offer:accept', { offerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await agent.socket.emit('offer:accept', 'text')).toMatchObject({ ok: false });
    expect(await agent.socket.emit('task:complete', { taskId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'TASK_NOT_FOUND' },
    });
    expect((await app.api.get(`/api/agents/${agent.id}`)).body.presence.state).toBe('available');
  });

  it('refuses a socket without a valid token: an error event, then the socket is closed', async () => {
    const client = await SocketClient.connect(app.url, '/agent', 'not-a-token');
    const closed = new Promise((resolve) => (client.socket.disconnected ? resolve(null) : client.socket.once('disconnect', resolve)));
    expect((await client.next('error')).code).toBe('UNAUTHENTICATED');
    await closed;
    expect(client.socket.connected).toBe(false);
    client.close();
  });

  it('creates tasks idempotently on externalId, cancels and transfers them', async () => {
    const queue = await createQueue(app, { channel: 'email', skills: [skill()] });
    const other = await createQueue(app, { channel: 'email', skills: [skill(), 'legal'] });
    const first = await createTask(app, { channel: 'email', queue: queue.name, externalId: `ext-${scenario}-${store}` });
    const again = await createTask(app, { channel: 'email', queue: queue.name, externalId: `ext-${scenario}-${store}` });
    expect(again.id).toBe(first.id);
    const bad = await app.api.post('/api/tasks', { channel: 'voice', queue: queue.name });
    expect(bad.status).toBe(400);
    const unknownField = await app.api.post('/api/tasks', { channel: 'email', queue: queue.name, colour: 'red' });
    expect(unknownField.status).toBe(400);
    const moved = await app.api.post(`/api/tasks/${first.id}/transfer`, { queue: other.name, note: 'needs legal' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ queueId: other.id, status: 'queued', attributes: { transferredFrom: first.id } });
    expect((await app.api.get(`/api/tasks/${first.id}`)).body.status).toBe('transferred');
    const lawyer = await agentOnline({ [skill()]: 5, legal: 5 });
    const offer = await lawyer.socket.next('offer', (o) => o.task.id === moved.body.id);
    const canceled = await app.api.post(`/api/tasks/${moved.body.id}/cancel`);
    expect(canceled.body.status).toBe('canceled');
    expect((await lawyer.socket.next('offer:revoked', (r) => r.offerId === offer.offerId)).reason).toBe('canceled');
    expect((await app.api.post(`/api/tasks/${moved.body.id}/cancel`)).status).toBe(409);
    const listed = await app.api.get(`/api/tasks?status=canceled&queue=${other.id}`);
    expect(listed.body.map((t: { id: string }) => t.id)).toEqual([moved.body.id]);
  });

  it('pushes agent and queue changes to supervisors, and refuses agents on the supervisor socket', async () => {
    const supervisor = await SocketClient.connect(app.url, '/supervisor', app.adminToken);
    try {
      const queue = await createQueue(app, { channel: 'email', skills: [skill()] });
      await createTask(app, { channel: 'email', queue: queue.id });
      await createTask(app, { channel: 'email', queue: queue.id });
      expect((await supervisor.next('queue', (q) => q.id === queue.id && q.waiting === 2)).name).toBe(queue.name);
      const agent = await agentOnline({ [skill()]: 5 }, { email: 1 });
      const seen = await supervisor.next('agent', (a) => a.id === agent.id && a.presence.state === 'available');
      expect(seen.capacity.email).toBe(1);
      await agent.socket.next('offer');
      expect((await supervisor.next('queue', (q) => q.id === queue.id && q.waiting === 1)).waiting).toBe(1);
      expect((await supervisor.next('agent', (a) => a.id === agent.id && a.load.email === 1)).load.email).toBe(1);
      const intruder = await SocketClient.connect(app.url, '/supervisor', agent.token);
      expect((await intruder.next('error')).code).toBe('FORBIDDEN');
      intruder.close();
    } finally {
      supervisor.close();
    }
  });

  it('serves the web client at / next to the API', async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Blended ACD');
    expect((await fetch(`${app.url}/api/nothing-here`)).status).toBe(404);
  });
});
