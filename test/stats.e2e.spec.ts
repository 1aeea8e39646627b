import { SocketClient } from './support/agent-client';
import { TestApp, TestEnvironment, availableAgent, createAgent, createQueue, createTask, createTestEnvironment, sleep, startTestApp } from './support/test-app';

/** Real-time statistics and supervisor actions, against the real app. */
describe('real-time statistics and supervisor actions', () => {
  let env: TestEnvironment;
  let app: TestApp;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    app = await startTestApp(env);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await app?.close();
    await env?.dispose();
  });

  it('reports queues, agents, occupancy and the blending state, and pushes them to supervisors on change', async () => {
    const supervisor = await SocketClient.connect(app.url, '/supervisor', app.adminToken);
    sockets.push(supervisor);
    const first = await supervisor.next('stats');
    expect(first.blending).toMatchObject({ lull: true, voiceWaiting: 0 });
    const voice = await createQueue(app, { channel: 'voice', skills: ['st'], slaSeconds: 20 });
    const agent = await createAgent(app, { skills: { st: 5 }, capacity: { voice: 1, chat: 0, email: 1 } });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    const c1 = await createTask(app, { channel: 'voice', queue: voice.id });
    const offer = await socket.next('offer', (o) => o.task.id === c1.id);
    await socket.emit('offer:accept', { offerId: offer.offerId });
    await createTask(app, { channel: 'voice', queue: voice.id });
    // Pushed within the throttle window after the change.
    const pushed = await supervisor.next('stats', (s) => s.queues.some((q: any) => q.id === voice.id && q.waiting === 1), 3000);
    expect(pushed.blending).toMatchObject({ lull: false, reason: 'too-many-calls-waiting', voiceWaiting: 1 });
    const stats = (await app.api.get('/api/stats/realtime')).body;
    const row = stats.queues.find((q: any) => q.id === voice.id);
    expect(row).toMatchObject({ waiting: 1, answeredToday: 1, serviceLevelToday: 1, serviceLevelLast15m: 1, handledToday: 0, abandonedToday: 0 });
    expect(stats.agents.byState.available).toBeGreaterThanOrEqual(1);
    expect(stats.agents.byChannel.voice).toMatchObject({ busy: 1, load: 1 });
    expect(stats.occupancy).toBe(1);
    await socket.emit('task:complete', { taskId: c1.id });
    await socket.next('offer');
    const after = (await app.api.get('/api/stats/realtime')).body.queues.find((q: any) => q.id === voice.id);
    expect(after).toMatchObject({ waiting: 0, handledToday: 1, answeredToday: 1 });
  });

  it('re-routes at once when a supervisor changes an agent’s capacity or skills', async () => {
    const queue = await createQueue(app, { channel: 'email', skills: ['live'] });
    const agent = await createAgent(app, { skills: { live: 3 }, capacity: { voice: 0, chat: 0, email: 0 } });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    const task = await createTask(app, { channel: 'email', queue: queue.id, skills: ['french'] });
    await sleep(300);
    expect(socket.all('offer')).toHaveLength(0);
    expect((await app.api.patch(`/api/agents/${agent.id}`, { capacity: { email: 1 } })).status).toBe(200);
    await sleep(300);
    expect(socket.all('offer')).toHaveLength(0); // still missing the task's skill
    expect((await app.api.patch(`/api/agents/${agent.id}`, { skills: { live: 3, french: 4 } })).status).toBe(200);
    expect((await socket.next('offer', (o) => o.task.id === task.id, 2000)).task.id).toBe(task.id);
  });

  it('moves a task to another queue with an escalation note, recorded in the history and the reports', async () => {
    const first = await createQueue(app, { channel: 'email', skills: ['nobody-a'] });
    const backOffice = await createQueue(app, { channel: 'email', skills: ['nobody-b'] });
    const task = await createTask(app, { channel: 'email', queue: first.id });
    const moved = await app.api.post(`/api/tasks/${task.id}/transfer`, { queue: backOffice.id, note: 'needs the billing team' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ queueId: backOffice.id, attributes: { transferredFrom: task.id, transferNote: 'needs the billing team' } });
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const report = (await app.api.get(`/api/reports/summary?from=${from}&to=${to}&channel=email`)).body;
    expect(report.escalated).toBeGreaterThanOrEqual(1);
    expect(report.transferred).toBeGreaterThanOrEqual(1);
  });

  it('lets a supervisor force an agent’s presence', async () => {
    const agent = await createAgent(app);
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    const res = await app.api.put(`/api/agents/${agent.id}/presence`, { state: 'away', reason: 'coaching' });
    expect(res.status).toBe(200);
    expect(res.body.presence).toMatchObject({ state: 'away', reason: 'coaching' });
    expect((await socket.next('presence', (p) => p.state === 'away')).reason).toBe('coaching');
  });
});
