import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
import { TestApp, TestEnvironment, availableAgent, clearFloor, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from './support/test-app';

/**
 * Wrap-up notes end to end: sent with `task:complete`, changed with
 * `task:notes` during wrap-up, stored on the task (GET /api/tasks/:id), in
 * the `completed` event and in the customer journey; invalid payloads are
 * refused in the ack. And a capacity change through PATCH /api/agents/:id,
 * which the agent sees at once and routing uses at once.
 */
describe('wrap-up notes and live capacity (socket end to end)', () => {
  let env: TestEnvironment;
  let app: TestApp;
  const sockets: SocketClient[] = [];
  let scenario = 0;
  const skill = () => `tn${scenario}`;

  const agentOnline = async (capacity: Record<string, number> = { voice: 0, chat: 2, email: 0 }) => {
    const agent = await createAgent(app, { skills: { [skill()]: 5 }, capacity });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    return { ...agent, socket };
  };

  /** A web chat from a known customer (by email), handed to a person: a chat task naming the customer. */
  const chatFrom = async (queue: { name: string }, email: string) => {
    const created = await new ApiClient(app.url).post('/api/chat/sessions', { queue: queue.name, email, name: 'Claire Dubois' });
    expect(created.status).toBe(201);
    const visitor = await SocketClient.connect(app.url, '/chat', created.body.token);
    sockets.push(visitor);
    await visitor.next('session');
    expect(await visitor.emit('handoff', {})).toMatchObject({ ok: true, status: 'queued' });
    return created.body as { sessionId: string; conversationId: string };
  };

  const takeOffer = async (socket: SocketClient, predicate: (offer: any) => boolean = () => true) => {
    const offer = await socket.next('offer', predicate);
    expect(await socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    return offer.task as { id: string; attributes: { customerId: string } };
  };

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    app = await startTestApp(env);
  });

  beforeEach(() => {
    scenario += 1;
  });

  afterEach(() => clearFloor(sockets));

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('stores the notes sent with task:complete, lets the agent change them in wrap-up, and shows them in the task, its history and the journey', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()], wrapUpSeconds: 60 });
    const agent = await agentOnline();
    const { conversationId } = await chatFrom(queue, `claire.${scenario}@example.fr`);
    const task = await takeOffer(agent.socket);

    const completed = await agent.socket.emit('task:complete', { taskId: task.id, disposition: 'follow-up', notes: '  Box replaced; call back Monday  ' });
    expect(completed).toMatchObject({ ok: true, task: { id: task.id, status: 'wrapping', disposition: 'follow-up', notes: 'Box replaced; call back Monday' } });
    expect((await app.api.get(`/api/tasks/${task.id}`)).body).toMatchObject({ status: 'wrapping', notes: 'Box replaced; call back Monday' });

    // Wrap-up: the notes are changed; every tab of the agent gets the task again.
    const changed = await agent.socket.emit('task:notes', { taskId: task.id, notes: 'Box replaced; call back Monday 10:00' });
    expect(changed).toMatchObject({ ok: true, task: { status: 'wrapping', notes: 'Box replaced; call back Monday 10:00' } });
    await agent.socket.next('task:updated', (p) => p.task.id === task.id && p.task.notes === 'Box replaced; call back Monday 10:00');

    // Wrap-up over: the task is completed with its notes, and they can no longer be changed.
    expect(await agent.socket.emit('presence:set', { state: 'available' })).toMatchObject({ ok: true });
    expect((await app.api.get(`/api/tasks/${task.id}`)).body).toMatchObject({ status: 'completed', disposition: 'follow-up', notes: 'Box replaced; call back Monday 10:00' });
    expect(await agent.socket.emit('task:notes', { taskId: task.id, notes: 'too late' })).toMatchObject({ ok: false, error: { code: 'TASK_WRONG_STATUS' } });

    const journey = await app.api.get(`/api/customers/${task.attributes.customerId}/journey`);
    expect(journey.status).toBe(200);
    const contact = journey.body.contacts.find((c: { conversationId: string }) => c.conversationId === conversationId);
    expect(contact.outcome).toEqual({ status: 'completed', disposition: 'follow-up', notes: 'Box replaced; call back Monday 10:00' });
    const [journeyTask] = contact.tasks;
    expect(journeyTask).toMatchObject({ id: task.id, disposition: 'follow-up', notes: 'Box replaced; call back Monday 10:00' });
    // The completion event keeps the notes as they were when the agent pressed Complete.
    expect(journeyTask.events.find((e: { type: string }) => e.type === 'completed').data).toMatchObject({ disposition: 'follow-up', notes: 'Box replaced; call back Monday' });
  });

  it('clears the notes when Complete sends them emptied (absent notes keep them)', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()], wrapUpSeconds: 0 });
    const agent = await agentOnline();
    const created = await createTask(app, { channel: 'chat', queue: queue.name });
    const task = await takeOffer(agent.socket, (o) => o.task.id === created.id);
    expect(await agent.socket.emit('task:notes', { taskId: task.id, notes: 'Wrong customer, ignore' })).toMatchObject({ ok: true, task: { notes: 'Wrong customer, ignore' } });
    const completed = await agent.socket.emit('task:complete', { taskId: task.id, notes: '   ' });
    expect(completed).toMatchObject({ ok: true, task: { status: 'completed', notes: null } });
    expect((await app.api.get(`/api/tasks/${task.id}`)).body.notes).toBeNull();
  });

  it('refuses invalid notes in the ack and changes nothing; notes of another agent’s task are refused', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()], wrapUpSeconds: 60 });
    const agent = await agentOnline();
    const created = await createTask(app, { channel: 'chat', queue: queue.name });
    const task = await takeOffer(agent.socket, (o) => o.task.id === created.id);

    const tooLong = await agent.socket.emit('task:complete', { taskId: task.id, notes: 'x'.repeat(2001) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(tooLong.error.message).toMatch(/notes/);
    expect(await agent.socket.emit('task:complete', { taskId: task.id, notes: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await agent.socket.emit('task:notes', { taskId: task.id })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await agent.socket.emit('task:notes', { taskId: task.id, notes: 'y'.repeat(2001) })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect((await app.api.get(`/api/tasks/${task.id}`)).body).toMatchObject({ status: 'assigned', notes: null });

    const other = await createAgent(app, { skills: { [skill()]: 5 } });
    const intruder = await SocketClient.connect(app.url, '/agent', other.token);
    sockets.push(intruder);
    expect(await intruder.emit('task:notes', { taskId: task.id, notes: 'mine now' })).toMatchObject({ ok: false, error: { code: 'TASK_NOT_YOURS' } });

    // Notes set while the task is in progress are kept by a completion without notes (2000 characters: the limit).
    const longest = 'z'.repeat(2000);
    expect(await agent.socket.emit('task:notes', { taskId: task.id, notes: longest })).toMatchObject({ ok: true, task: { notes: longest } });
    expect(await agent.socket.emit('task:complete', { taskId: task.id })).toMatchObject({ ok: true, task: { status: 'wrapping', notes: longest } });
  });

  it('applies a capacity change at once: the agent is told and offered a second chat', async () => {
    const queue = await createQueue(app, { channel: 'chat', skills: [skill()] });
    const agent = await agentOnline({ voice: 0, chat: 1, email: 0 });
    const first = await createTask(app, { channel: 'chat', queue: queue.name });
    await takeOffer(agent.socket, (o) => o.task.id === first.id);
    const second = await createTask(app, { channel: 'chat', queue: queue.name });
    expect((await app.api.get(`/api/tasks/${second.id}`)).body.status).toBe('queued');

    const patched = await app.api.patch(`/api/agents/${agent.id}`, { capacity: { chat: 2 } });
    expect(patched.status).toBe(200);
    expect(patched.body.capacity).toEqual({ voice: 0, chat: 2, email: 0 });
    await agent.socket.next('presence', (p) => p.capacity.chat === 2);
    await agent.socket.next('offer', (o) => o.task.id === second.id);
  });
});
