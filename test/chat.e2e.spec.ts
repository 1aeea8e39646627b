import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
import {
  StoreKind,
  TestApp,
  TestEnvironment,
  availableAgent,
  createAgent,
  createQueue,
  createTestEnvironment,
  sleep,
  startTestApp,
} from './support/test-app';

/**
 * The web chat end to end: visitors open sessions over public HTTP and talk
 * over real socket.io-clients on /chat; agents are real /agent clients. Each
 * scenario has its own queue and skill, so scenarios never see each other's chats.
 */
describe.each<StoreKind>(['memory', 'redis'])('chat channel end to end (%s store)', (store) => {
  let env: TestEnvironment;
  let app: TestApp;
  let publicApi: ApiClient;
  const sockets: SocketClient[] = [];
  const agentSockets = new Set<SocketClient>();
  let scenario = 0;
  const skill = () => `c${scenario}`;

  const agentOnline = async (chat: number) => {
    const agent = await createAgent(app, { name: `Chat agent ${scenario}`, skills: { [skill()]: 5 }, capacity: { voice: 0, chat, email: 0 } });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    agentSockets.add(socket);
    return { ...agent, socket };
  };

  const chatQueue = () => createQueue(app, { channel: 'chat', skills: [skill()] });

  const visitor = async (queue: { name: string }, body: Record<string, unknown> = {}) => {
    const created = await publicApi.post('/api/chat/sessions', { queue: queue.name, ...body });
    expect(created.status).toBe(201);
    const socket = await SocketClient.connect(app.url, '/chat', created.body.token);
    sockets.push(socket);
    await socket.next('session');
    return { ...(created.body as { sessionId: string; token: string; conversationId: string; ref: string }), socket };
  };

  /** A visitor whose first message has no FAQ answer: queued at once. */
  const queuedVisitor = async (queue: { name: string }, text = 'My parcel 4711 has not arrived yet') => {
    const v = await visitor(queue);
    expect(await v.socket.emit('message', { text })).toMatchObject({ ok: true, status: 'queued' });
    return v;
  };

  beforeAll(async () => {
    env = await createTestEnvironment(store);
    app = await startTestApp(env);
    publicApi = new ApiClient(app.url);
    const faq = await app.api.post('/api/faq', {
      question: 'How do I reset my password?',
      answer: 'Click "Forgot password" on the sign-in page; we email you a link.',
      keywords: ['password', 'reset', 'login'],
      language: 'en',
    });
    expect(faq.status).toBe(201);
  });

  beforeEach(() => {
    scenario += 1;
  });

  afterEach(async () => {
    const agents = [...agentSockets].filter((s) => s.socket.connected);
    await Promise.all(agents.map((s) => s.emit('presence:set', { state: 'offline' }).catch(() => undefined)));
    agentSockets.clear();
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('answers a FAQ question without an agent, then hands over with the transcript on "talk to a person"', async () => {
    const queue = await chatQueue();
    const agent = await agentOnline(3);
    const v = await visitor(queue, { name: 'Grace', email: `grace-${store}-${Date.now()}@example.com` });

    const sent = await v.socket.emit('message', { text: 'Hello, how can I reset my password?' });
    expect(sent).toMatchObject({ ok: true, status: 'bot', message: { author: 'visitor' } });
    const answer = await v.socket.next('message', (m) => m.author === 'bot');
    expect(answer).toMatchObject({ text: expect.stringContaining('Forgot password'), actions: ['talk-to-person'] });
    await sleep(200);
    expect(agent.socket.all('offer')).toHaveLength(0);
    expect((await app.api.get(`/api/tasks?queue=${queue.id}`)).body).toEqual([]);

    // "Talk to a person": queued as a chat task and offered to the agent with chat capacity.
    const handoff = await v.socket.emit('handoff', {});
    expect(handoff).toMatchObject({ ok: true, status: 'queued' });
    const offer = await agent.socket.next('offer');
    expect(offer.task).toMatchObject({ channel: 'chat', queueId: queue.id, conversationId: v.conversationId });
    expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    expect(await v.socket.next('assigned')).toEqual({ agentName: `Chat agent ${scenario}` });
    const transcript = await agent.socket.next('chat:transcript');
    expect(transcript.taskId).toBe(offer.task.id);
    expect(transcript.messages.map((m: any) => m.author)).toEqual(['visitor', 'bot', 'bot']);
    expect(transcript.messages[0].text).toBe('Hello, how can I reset my password?');

    // Both ways, then the agent completes the chat: the visitor is told.
    const reply = await agent.socket.emit('chat:send', { taskId: offer.task.id, text: 'Hi Grace, the link did not arrive?' });
    expect(reply).toMatchObject({ ok: true, message: { author: 'agent', name: `Chat agent ${scenario}` } });
    expect(await v.socket.next('message', (m) => m.author === 'agent')).toMatchObject({ text: 'Hi Grace, the link did not arrive?' });
    await v.socket.emit('message', { text: 'No, nothing in spam either' });
    expect(await agent.socket.next('chat:message')).toMatchObject({ conversationId: v.conversationId, message: { author: 'visitor', text: 'No, nothing in spam either' } });
    expect(await agent.socket.emit('task:complete', { taskId: offer.task.id, disposition: 'solved' })).toMatchObject({ ok: true });
    expect(await v.socket.next('closed')).toEqual({ reason: 'completed' });

    // The transcript is stored and the chat is in the customer's journey and the task history.
    const conversation = (await app.api.get(`/api/conversations/${v.conversationId}`)).body;
    expect(conversation).toMatchObject({ id: v.conversationId, ref: v.ref, channel: 'chat', status: 'closed', customer: { name: 'Grace' } });
    expect(conversation.messages.map((m: any) => m.direction)).toEqual(['in', 'out', 'out', 'out', 'in']);
    const journey = (await app.api.get(`/api/customers/${conversation.customer.id}/journey`)).body;
    expect(journey.contacts).toHaveLength(1);
    expect(journey.contacts[0]).toMatchObject({
      channel: 'chat',
      messageCount: 5,
      handledBy: [{ agentId: agent.id, name: `Chat agent ${scenario}` }],
      outcome: { status: 'completed', disposition: 'solved' },
    });
    expect(journey.contacts[0].tasks[0].events.map((e: any) => e.type)).toEqual(['created', 'offered', 'assigned', 'completed']);
  });

  it('sends the visitor the survey link after the agent completes the chat; the answer is in the report', async () => {
    // Surveys are on by default for completed chats and emails (a task opts out with attributes.survey = false);
    // a chat's task is created without that attribute, so nothing to switch on here.
    const queue = await chatQueue();
    const agent = await agentOnline(1);
    const v = await queuedVisitor(queue);
    const offer = await agent.socket.next('offer');
    expect(offer.task.attributes.survey).toBeUndefined();
    expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    await v.socket.next('assigned');
    expect(await agent.socket.emit('task:complete', { taskId: offer.task.id, disposition: 'solved' })).toMatchObject({ ok: true });
    expect(await v.socket.next('closed')).toEqual({ reason: 'completed' });

    // The link reaches the visitor on its /chat socket, once.
    const { link } = await v.socket.next<{ link: string }>('survey');
    expect(link).toMatch(/^\/api\/surveys\/[A-Za-z0-9_-]{40,}$/);
    await sleep(200);
    expect(v.socket.all('survey')).toHaveLength(1);
    expect(agent.socket.all('survey')).toHaveLength(0);

    // The visitor answers through the public link (no token), once.
    expect((await publicApi.get(link)).body).toMatchObject({ answered: false, channel: 'chat', scale: [1, 2, 3, 4, 5] });
    const answered = await publicApi.post(link, { score: 4, comment: 'quick and kind' });
    expect(answered.status).toBe(200);
    expect((await publicApi.post(link, { score: 1 })).status).toBe(409);
    expect((await publicApi.get(link)).body).toMatchObject({ answered: true });

    // The same survey is the one of this task, and its answer is in the chat report.
    expect((await app.api.post('/api/surveys', { taskId: offer.task.id })).body).toMatchObject({ link, conversationId: v.conversationId, agentId: agent.id });
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const report = await app.api.get(`/api/reports/summary?from=${from}&to=${to}&channel=chat`);
    expect(report.status).toBe(200);
    expect(report.body.csat).toMatchObject({ responses: 1, averageScore: 4, distribution: { '4': 1 } });
  });

  it('shows a waiting visitor its position falling as chats are taken', async () => {
    const queue = await chatQueue();
    const first = await queuedVisitor(queue);
    const second = await queuedVisitor(queue);
    const third = await queuedVisitor(queue);
    expect(await third.socket.next('queued', (q) => q.position === 3)).toEqual({ position: 3, etaSeconds: expect.any(Number) });
    expect(await first.socket.next('queued', (q) => q.position === 1)).toMatchObject({ position: 1 });

    // One agent, one chat at a time: each accept moves the line up by one.
    const agent = await agentOnline(1);
    const offer1 = await agent.socket.next('offer', (o) => o.task.conversationId === first.conversationId);
    await agent.socket.emit('offer:accept', { offerId: offer1.offerId });
    expect(await third.socket.next('queued', (q) => q.position === 2)).toMatchObject({ position: 2 });
    expect(await second.socket.next('queued', (q) => q.position === 1)).toMatchObject({ position: 1 });

    await agent.socket.emit('task:complete', { taskId: offer1.task.id });
    const offer2 = await agent.socket.next('offer', (o) => o.task.conversationId === second.conversationId);
    await agent.socket.emit('offer:accept', { offerId: offer2.offerId });
    expect(await third.socket.next('queued', (q) => q.position === 1)).toMatchObject({ position: 1 });

    const seen = third.socket.all('queued').map((q) => q.position);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it('gives an agent with chat capacity 3 three chats at once and not a fourth', async () => {
    const queue = await chatQueue();
    const visitors: Array<Awaited<ReturnType<typeof queuedVisitor>>> = [];
    for (let i = 0; i < 4; i++) visitors.push(await queuedVisitor(queue, `Order ${i} has a problem with delivery`));
    const agent = await agentOnline(3);
    const offers: any[] = [];
    for (let i = 0; i < 3; i++) {
      const offer = await agent.socket.next('offer');
      expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
      offers.push(offer);
    }
    await sleep(300);
    expect(agent.socket.all('offer')).toHaveLength(3);
    expect((await app.api.get(`/api/agents/${agent.id}`)).body.load.chat).toBe(3);
    const waiting = visitors.find((v) => !offers.some((o) => o.task.conversationId === v.conversationId))!;
    expect(waiting).toBe(visitors[3]);
    expect(await waiting.socket.next('queued', (q) => q.position === 1)).toMatchObject({ position: 1 });

    // Three conversations at once, each line to its own visitor.
    for (const offer of offers) {
      expect(await agent.socket.emit('chat:send', { conversationId: offer.task.conversationId, text: `hello ${offer.task.conversationId}` })).toMatchObject({ ok: true });
    }
    for (const offer of offers) {
      const owner = visitors.find((v) => v.conversationId === offer.task.conversationId)!;
      expect((await owner.socket.next('message', (m) => m.author === 'agent')).text).toBe(`hello ${owner.conversationId}`);
    }
    expect(waiting.socket.all('message').filter((m) => m.author === 'agent')).toHaveLength(0);

    // Completing one frees a slot: the fourth chat comes at once.
    await agent.socket.emit('task:complete', { taskId: offers[0].task.id });
    expect((await agent.socket.next('offer')).task.conversationId).toBe(waiting.conversationId);
  });

  it('gives an agent whose socket dropped the lines sent meanwhile, and says which chats ended, on reconnect', async () => {
    const queue = await chatQueue();
    const kept = await queuedVisitor(queue, 'My order 88 arrived broken');
    const leaving = await queuedVisitor(queue, 'Question about my invoice');
    const canceled = await queuedVisitor(queue, 'Change my delivery address');
    const agent = await agentOnline(3);
    const taskOf = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const offer = await agent.socket.next('offer');
      expect(await agent.socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
      taskOf.set(offer.task.conversationId, offer.task.id);
    }

    // The network drops (within the disconnect grace): the visitors go on, a supervisor cancels one chat.
    agent.socket.close();
    agentSockets.delete(agent.socket);
    await sleep(100);
    await kept.socket.emit('message', { text: 'Are you still there?' });
    await kept.socket.emit('message', { text: 'The box is crushed, photo attached' });
    expect(await leaving.socket.emit('close', {})).toMatchObject({ ok: true, status: 'closed' });
    expect((await app.api.post(`/api/tasks/${taskOf.get(canceled.conversationId)}/cancel`, {})).status).toBe(200);

    const again = await SocketClient.connect(app.url, '/agent', agent.token);
    sockets.push(again);
    agentSockets.add(again);
    const resumed = await again.next('resumed');
    // Still held: the kept chat and the one the visitor left (the agent closes it); not the canceled one.
    expect([...resumed.taskIds].sort()).toEqual([taskOf.get(kept.conversationId), taskOf.get(leaving.conversationId)].sort());
    const transcript = again.all('chat:transcript').find((t) => t.conversationId === kept.conversationId);
    expect(transcript.messages.filter((m: any) => m.author === 'visitor').map((m: any) => m.text)).toEqual([
      'My order 88 arrived broken',
      'Are you still there?',
      'The box is crushed, photo attached',
    ]);
    expect(again.all('chat:closed')).toEqual([
      { taskId: taskOf.get(leaving.conversationId), conversationId: leaving.conversationId, reason: 'visitor-left' },
    ]);
    // The replay comes before `resumed`, so a client has everything when it reconciles its tabs.
    const order = again.events.map((e) => e.event);
    expect(order.lastIndexOf('chat:transcript')).toBeLessThan(order.indexOf('resumed'));
    expect(order.lastIndexOf('task:assigned')).toBeLessThan(order.indexOf('resumed'));
  });

  it('survives a visitor reconnect: same session, transcript and place in the queue', async () => {
    const queue = await chatQueue();
    const v = await queuedVisitor(queue, 'Where is invoice 42?');
    await v.socket.next('queued', (q) => q.position === 1);
    v.socket.close();
    const again = await SocketClient.connect(app.url, '/chat', v.token);
    sockets.push(again);
    const session = await again.next('session');
    expect(session).toMatchObject({ sessionId: v.sessionId, conversationId: v.conversationId, status: 'queued' });
    expect(session.messages.map((m: any) => m.text)).toContain('Where is invoice 42?');
    expect(await again.next('queued')).toMatchObject({ position: 1 });

    // The visitor leaves: the waiting chat is abandoned.
    expect(await again.emit('close', {})).toMatchObject({ ok: true, status: 'closed' });
    const conversation = (await app.api.get(`/api/conversations/${v.conversationId}`)).body;
    expect(conversation.tasks[0]).toMatchObject({ status: 'abandoned', disposition: 'visitor-left' });
  });

  it('validates the public entry and the sockets', async () => {
    expect((await publicApi.post('/api/chat/sessions', { email: 'not-an-email' })).status).toBe(400);
    expect((await publicApi.post('/api/chat/sessions', { queue: 'no-such-queue' })).body).toMatchObject({ code: 'CHAT_QUEUE_NOT_FOUND' });
    expect((await publicApi.post('/api/chat/sessions', { admin: true })).status).toBe(400);

    const intruder = await SocketClient.connect(app.url, '/chat', 'forged-token-forged-token-forged-token');
    sockets.push(intruder);
    expect(await intruder.next('error')).toMatchObject({ code: 'UNAUTHENTICATED' });

    const queue = await chatQueue();
    const v = await queuedVisitor(queue);
    expect(await v.socket.emit('message', { text: '' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const agent = await agentOnline(0);
    const task = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body[0];
    expect(await agent.socket.emit('chat:send', { taskId: task.id, text: 'hi' })).toMatchObject({ ok: false, error: { code: 'CHAT_NOT_YOURS' } });
    expect(await agent.socket.emit('chat:send', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'CHAT_BAD_TARGET' } });
  });

  it('rate-limits the public session entry per address (429 with Retry-After)', async () => {
    const queue = await chatQueue();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 25; i++) {
      const response = await publicApi.post('/api/chat/sessions', { queue: queue.name });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toContain(201);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
