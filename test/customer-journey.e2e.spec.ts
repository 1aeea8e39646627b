import { randomUUID } from 'node:crypto';
import { TelephonySimulator } from '../bench/telephony-sim';
import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
import { DovecotServer, startDovecot } from './support/dovecot';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { TestApp, TestEnvironment, availableAgent, clearFloor, createAgent, createQueue, createTestEnvironment, startTestApp } from './support/test-app';

const SECRET = 'telephony-test-secret-0123456789';

/**
 * One customer's journey across the three channels, each arriving the real
 * way: an email through Dovecot (IMAP IDLE), a call from signed telephony
 * events, a chat from the public chat entry. Each is taken by a different
 * agent over a real socket.
 */
describe('customer journey across channels', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  let sim: TelephonySimulator;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    [dovecot, smtp, env] = await Promise.all([startDovecot(), startSmtpSink(), createTestEnvironment('memory')]);
    sim = new TelephonySimulator('', SECRET);
    const webhook = await sim.listen();
    app = await startTestApp(env, { telephonySecret: SECRET, telephonyWebhookUrl: webhook });
    sim.baseUrl = app.url;
  }, 60_000);

  afterAll(async () => {
    await clearFloor(sockets);
    await app?.close();
    await Promise.all([dovecot?.stop(), smtp?.stop(), sim?.close()]);
    await env?.dispose();
  }, 60_000);

  const agentOnline = async (name: string, skill: string, capacity: Record<string, number>) => {
    const agent = await createAgent(app, { name, skills: { [skill]: 5 }, capacity: { voice: 0, chat: 0, email: 0, ...capacity } });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    return { ...agent, name, socket };
  };

  it('shows an email, a call and a chat of one customer in time order with who handled each, newest kept first when paged', async () => {
    const [emailQueue, voiceQueue, chatQueue] = await Promise.all([
      createQueue(app, { channel: 'email', skills: ['j-mail'] }),
      createQueue(app, { channel: 'voice', skills: ['j-voice'] }),
      createQueue(app, { channel: 'chat', skills: ['j-chat'] }),
    ]);
    const mailAgent = await agentOnline('Mail Agent', 'j-mail', { email: 1 });
    const voiceAgent = await agentOnline('Voice Agent', 'j-voice', { voice: 1 });
    const chatAgent = await agentOnline('Chat Agent', 'j-chat', { chat: 1 });
    await dovecot.addUser('journey', 'journey-secret-pw');
    const mailbox = await app.api.post('/api/mailboxes', {
      address: 'journey@acd.test',
      queue: emailQueue.name,
      imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: 'journey', password: 'journey-secret-pw' },
      smtp: { host: smtp.host, port: smtp.port, secure: false },
    });
    expect(mailbox.status).toBe(201);

    // 1. The email.
    const email = `jeanne-${randomUUID().slice(0, 8)}@client.example`;
    const mailOffer = mailAgent.socket.next('offer', (o) => o.task.attributes.from === email, 10_000);
    await dovecot.append('journey', [
      `From: "Jeanne Martin" <${email}>`, 'To: <journey@acd.test>', 'Subject: My parcel', `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@client.example>`, 'Content-Type: text/plain; charset=utf-8', '', 'Hello, where is my parcel?', '',
    ].join('\r\n'));
    const mailTask = await mailOffer;
    expect((await mailAgent.socket.emit('offer:accept', { offerId: mailTask.offerId })).ok).toBe(true);
    const customer = (await app.api.get(`/api/customers?email=${email}`)).body[0];
    expect(customer).toMatchObject({ email, name: 'Jeanne Martin' });
    expect((await app.api.patch(`/api/customers/${customer.id}`, { phone: '+33 6 12 34 56 78' })).status).toBe(200);

    // 2. A call from her phone.
    const callId = `journey-${Date.now()}`;
    const callOffer = voiceAgent.socket.next('offer', (o) => o.task.externalId === callId);
    expect((await sim.offer(callId, { from: '+33612345678', queue: voiceQueue.name })).status).toBe(200);
    expect((await voiceAgent.socket.emit('offer:accept', { offerId: (await callOffer).offerId })).ok).toBe(true);
    await sim.nextAssign((a) => a.payload.callId === callId);
    expect((await sim.answer(callId)).status).toBe(200);
    expect((await sim.end(callId)).status).toBe(200);

    // 3. A chat from the web site, with her address.
    const session = await new ApiClient(app.url).post('/api/chat/sessions', { queue: chatQueue.name, email, name: 'Jeanne Martin' });
    expect(session.status).toBe(201);
    const visitor = await SocketClient.connect(app.url, '/chat', session.body.token);
    sockets.push(visitor);
    await visitor.next('session');
    const chatOffer = chatAgent.socket.next('offer');
    expect(await visitor.emit('message', { text: 'The parcel number is 4711, any news?' })).toMatchObject({ ok: true, status: 'queued' });
    expect((await chatAgent.socket.emit('offer:accept', { offerId: (await chatOffer).offerId })).ok).toBe(true);

    const journey = (await app.api.get(`/api/customers/${customer.id}/journey`)).body;
    expect(journey.nextBefore).toBeNull();
    expect(journey.contacts.map((c: { channel: string }) => c.channel)).toEqual(['email', 'voice', 'chat']);
    const started = journey.contacts.map((c: { startedAt: string }) => Date.parse(c.startedAt));
    expect([...started].sort((a, b) => a - b)).toEqual(started);
    expect(journey.contacts.map((c: { handledBy: Array<{ name: string }> }) => c.handledBy.map((h) => h.name))).toEqual([['Mail Agent'], ['Voice Agent'], ['Chat Agent']]);
    expect(journey.contacts[0]).toMatchObject({ subject: 'My parcel', tasks: [{ channel: 'email', agentId: mailAgent.id, status: 'assigned' }] });
    expect(journey.contacts[1]).toMatchObject({ outcome: { status: 'completed' }, tasks: [{ channel: 'voice', agentId: voiceAgent.id }] });
    expect(journey.contacts[2]).toMatchObject({ conversationId: session.body.conversationId, tasks: [{ channel: 'chat', agentId: chatAgent.id }] });

    // The conversation itself says who handled each task and when: the agent's name and the task's events.
    const call = (await app.api.get(`/api/conversations/${journey.contacts[1].conversationId}`)).body;
    expect(call.tasks).toHaveLength(1);
    expect(call.tasks[0]).toMatchObject({ agentId: voiceAgent.id, agentName: 'Voice Agent', status: 'completed' });
    const callEvents: Array<{ type: string; at: string; agentId: string | null; agentName: string | null }> = call.tasks[0].events;
    expect(callEvents.map((e) => e.type)).toEqual(['created', 'offered', 'assigned', 'connected', 'completed']);
    expect(callEvents.slice(1).map((e) => [e.agentId, e.agentName])).toEqual(Array(4).fill([voiceAgent.id, 'Voice Agent']));
    const at = callEvents.map((e) => Date.parse(e.at));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const mailView = (await app.api.get(`/api/conversations/${journey.contacts[0].conversationId}`)).body;
    expect(mailView.tasks).toEqual([
      expect.objectContaining({ agentId: mailAgent.id, agentName: 'Mail Agent', status: 'assigned', events: [
        expect.objectContaining({ type: 'created', agentId: null, agentName: null }),
        expect.objectContaining({ type: 'offered', agentName: 'Mail Agent' }),
        expect.objectContaining({ type: 'assigned', agentName: 'Mail Agent' }),
      ] }),
    ]);
    // The journey reads the same history.
    expect(journey.contacts[1].tasks[0].events).toEqual(callEvents.map((e) => expect.objectContaining({ type: e.type, agentName: e.agentName })));

    // Paged: the newest first (a very active customer keeps her latest contacts), older ones one cursor away.
    const latest = (await app.api.get(`/api/customers/${customer.id}/journey?limit=2`)).body;
    expect(latest.contacts.map((c: { channel: string }) => c.channel)).toEqual(['voice', 'chat']);
    expect(latest.nextBefore).toEqual(expect.any(String));
    const earlier = (await app.api.get(`/api/customers/${customer.id}/journey?limit=2&before=${encodeURIComponent(latest.nextBefore)}`)).body;
    expect(earlier.contacts.map((c: { channel: string }) => c.channel)).toEqual(['email']);
    expect(earlier.nextBefore).toBeNull();
    expect((await app.api.get(`/api/customers/${customer.id}/journey?limit=0`)).status).toBe(400);
    expect((await app.api.get(`/api/customers/${customer.id}/journey?before=yesterday`)).status).toBe(400);
  }, 60_000);
});
