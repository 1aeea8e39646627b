import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MailboxRunnerService } from '../src/channels/email/mailbox-runner.service';
import { OutboxService } from '../src/channels/email/outbox.service';
import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
import { DovecotServer, startDovecot } from './support/dovecot';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { TcpProxy, startTcpProxy } from './support/tcp-proxy';
import {
  TestApp,
  TestEnvironment,
  availableAgent,
  clearFloor,
  createAgent,
  createQueue,
  createTask,
  createTestEnvironment,
  startTestApp,
} from './support/test-app';

/** A plain RFC 5322 mail as a customer's client would send it. */
function mail(input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  fromName?: string;
}): { raw: string; messageId: string } {
  const messageId = input.messageId ?? `${randomUUID()}@customer.example`;
  const lines = [
    `From: ${input.fromName ? `"${input.fromName}" ` : ''}<${input.from}>`,
    `To: <${input.to}>`,
    `Subject: ${input.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`] : []),
    ...(input.references ? [`References: ${input.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...Object.entries(input.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.text,
    '',
  ];
  return { raw: lines.join('\r\n'), messageId };
}

async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 8000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The email channel end to end: a real Dovecot (IMAP IDLE), a real SMTP sink,
 * the real app, real agent sockets. Each scenario has its own mailbox user,
 * queue and skill so scenarios never see each other's mail.
 */
describe('email channel end to end', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  const sockets: SocketClient[] = [];
  let scenario = 0;

  beforeAll(async () => {
    [dovecot, smtp, env] = await Promise.all([startDovecot(), startSmtpSink(), createTestEnvironment('memory')]);
    app = await startTestApp(env, {
      emailRetryBaseMs: 300,
      emailAutoMailsPerDay: 3,
      emailFollowUpSweepMs: 1000,
      // Small attachment limits, so a mail of a few hundred KB shows both kinds of omission.
      emailMaxAttachmentBytes: 64 * 1024,
      emailMaxAttachmentsTotalBytes: 100 * 1024,
    });
  }, 60_000);

  afterAll(async () => {
    await clearFloor(sockets);
    await app?.close();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
    await env?.dispose();
  }, 60_000);

  afterEach(async () => {
    await clearFloor(sockets);
  });

  /** A mailbox on its own Dovecot user and queue, plus an email agent online with the queue's skill. */
  async function setup(options: { agents?: number; imapPort?: number; mailbox?: Record<string, unknown> } = {}) {
    scenario += 1;
    const user = `support${scenario}`;
    const address = `${user}@acd.test`;
    await dovecot.addUser(user, `pw-${user}-secret`);
    const skill = `mail${scenario}`;
    const queue = await createQueue(app, { channel: 'email', skills: [skill], slaSeconds: 4 * 3600 });
    const created = await app.api.post('/api/mailboxes', {
      address,
      queue: queue.name,
      imap: { host: '127.0.0.1', port: options.imapPort ?? dovecot.port, secure: false, user, password: `pw-${user}-secret` },
      smtp: { host: smtp.host, port: smtp.port, secure: false },
      ...options.mailbox,
    });
    expect(created.status).toBe(201);
    const agents = [];
    for (let i = 0; i < (options.agents ?? 1); i++) {
      const agent = await createAgent(app, { name: `Mail agent ${scenario}.${i}`, skills: { [skill]: 5 }, capacity: { voice: 0, chat: 0, email: 2 } });
      const socket = await availableAgent(app, agent);
      sockets.push(socket);
      agents.push({ ...agent, socket });
    }
    await eventually(async () => (await app.api.get(`/api/mailboxes/${created.body.id}`)).body.status.connected, 10_000, 'mailbox connected');
    return { user, address, queue, mailbox: created.body as { id: string }, agents, skill };
  }

  const customerAddress = () => `customer-${randomUUID().slice(0, 8)}@client.example`;

  it('turns a mail appended to the inbox into an email task offered within 2 s (IDLE), acknowledged once with the reference', async () => {
    const { user, address, agents } = await setup();
    const from = customerAddress();
    const sent = mail({ from, fromName: 'Marie Curie', to: address, subject: 'Commande 1234 non reçue', text: 'Bonjour, ma commande 1234 n’est toujours pas arrivée, c’est urgent. Merci de votre aide.' });
    const offered = agents[0].socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    const appendedAt = Date.now();
    await dovecot.append(user, sent.raw);
    const offer = await offered;
    const latency = Date.now() - appendedAt;
    console.log(`IMAP append → offer frame: ${latency} ms`);
    expect(latency).toBeLessThan(2000);
    expect(offer.task).toMatchObject({ channel: 'email', status: 'offered' });
    expect(offer.task.attributes).toMatchObject({ subject: 'Commande 1234 non reçue', language: 'fr', intent: expect.any(String) });
    expect(offer.task.attributes.priorityReasons.join(' ')).toMatch(/urgent/);
    expect(offer.task.priority).toBeGreaterThan(0);

    const ack = await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    const conversation = (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body;
    expect(ack.parsed.subject).toContain(`[#${conversation.ref}]`);
    expect(ack.parsed.text).toContain(conversation.ref);
    expect(ack.headers['auto-submitted']).toBe('auto-replied');
    expect(ack.headers['in-reply-to']).toContain(sent.messageId);
    expect(ack.parsed.from?.value[0].address).toBe(address);
    // Exactly one acknowledgement, and the mail is flagged on the server only now that it is committed.
    await eventually(async () => (await dovecot.flags(user)).every((m) => m.flags.includes('$AcdIngested')), 5000, 'flag');
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(1);
    // The outbound message is written when the SMTP server has accepted the mail.
    const settled = await eventually(async () => {
      const view = (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body;
      return view.messages.length === 2 ? view : null;
    }, 5000, 'acknowledgement recorded');
    expect(settled.messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'out']);
    expect(conversation.customer).toMatchObject({ email: from, name: 'Marie Curie' });
  }, 30_000);

  it('threads the customer’s reply into the same conversation and offers it to the agent who owns it', async () => {
    const { user, address, agents } = await setup({ agents: 2 });
    const from = customerAddress();
    const first = mail({ from, to: address, subject: 'Question about my invoice', text: 'Hello, could you tell me why invoice 88 is higher than usual? Thanks.' });
    const offers = agents.map((a) => a.socket.next('offer', (o) => o.task.attributes.from === from, 5000).then((o) => ({ o, a })));
    await dovecot.append(user, first.raw);
    const { o: offer, a: owner } = await Promise.race(offers);
    const other = agents.find((a) => a !== owner)!;
    expect((await owner.socket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
    expect((await owner.socket.emit('task:complete', { taskId: offer.task.id, disposition: 'answered' })).ok).toBe(true);
    await owner.socket.emit('presence:set', { state: 'available' });
    const ack = await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);

    // The customer answers the acknowledgement (threading headers point at our mail).
    const ackId = String(ack.parsed.messageId).replace(/[<>]/g, '');
    const reply = mail({ from, to: address, subject: `Re: ${ack.parsed.subject}`, text: 'Here is the invoice number again: 88.', inReplyTo: ackId, references: [first.messageId, ackId] });
    const toOther = other.socket.next('offer', (o) => o.task.attributes.from === from, 1500).then(() => 'other', () => null);
    const second = owner.socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, reply.raw);
    const again = await second;
    expect(again.task.conversationId).toBe(offer.task.conversationId);
    expect(again.task.preferredAgentId).toBe(owner.id);
    expect(await toOther).toBeNull();
    const conversation = (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body;
    expect(conversation.messages.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(2);
    // No second acknowledgement for a reply on an open conversation.
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(1);

    // A mail with only the reference token in the subject (headers lost) threads too, for the same customer only.
    const byRef = mail({ from, to: address, subject: `Another point [#${conversation.ref}]`, text: 'One more detail.' });
    const stranger = customerAddress();
    const spoof = mail({ from: stranger, to: address, subject: `Hijack [#${conversation.ref}]`, text: 'I am someone else.' });
    await dovecot.append(user, byRef.raw);
    await dovecot.append(user, spoof.raw);
    await eventually(async () => (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body.messages.filter((m: { direction: string }) => m.direction === 'in').length === 3, 5000, 'ref threading');
    // The spoofed mail may be ingested after the threaded one: wait for its customer, then its own conversation.
    const strangerJourney = await eventually(async () => {
      const strangerCustomer = (await app.api.get(`/api/customers?email=${stranger}`)).body[0];
      if (!strangerCustomer) return null;
      const journey = (await app.api.get(`/api/customers/${strangerCustomer.id}/journey`)).body;
      return journey.contacts.length === 1 ? journey : null;
    }, 5000, 'stranger conversation');
    expect(strangerJourney.contacts[0].conversationId).not.toBe(offer.task.conversationId);
  }, 40_000);

  it('makes one message of the same mail reaching two monitored mailboxes', async () => {
    const a = await setup();
    const b = await setup({ agents: 0 });
    const from = customerAddress();
    const sent = mail({ from, to: a.address, subject: 'Devis pour 40 chaises', text: 'Bonjour, pourriez-vous m’envoyer un devis pour 40 chaises ? Cordialement' });
    await dovecot.append(a.user, sent.raw);
    await dovecot.append(b.user, sent.raw);
    await eventually(async () => (await dovecot.flags(b.user)).every((m) => m.flags.includes('$AcdIngested')) && (await dovecot.flags(a.user)).every((m) => m.flags.includes('$AcdIngested')), 8000, 'both flagged');
    const customer = (await app.api.get(`/api/customers?email=${from}`)).body[0];
    await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    // The mail and its one acknowledgement (recorded once the SMTP server took it).
    const journey = await eventually(async () => {
      const body = (await app.api.get(`/api/customers/${customer.id}/journey`)).body;
      return body.contacts[0]?.messageCount === 2 ? body : null;
    }, 5000, 'acknowledgement recorded');
    expect(journey.contacts).toHaveLength(1);
    expect(journey.contacts[0].tasks).toHaveLength(1);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(1);
  }, 30_000);

  it('sends no acknowledgement to an auto-reply or a bounce, and makes no task of them', async () => {
    const { user, address, queue } = await setup({ agents: 0 });
    const auto = mail({ from: customerAddress(), to: address, subject: 'Out of office', text: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    const bounceFrom = `mailer-daemon@${randomUUID().slice(0, 6)}.example`;
    const bounce = [
      `From: Mail Delivery System <${bounceFrom}>`,
      `To: <${address}>`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <${randomUUID()}@bounce.example>`,
      'Return-Path: <>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Delivery failed.',
      '--b1--',
      '',
    ].join('\r\n');
    const human = mail({ from: customerAddress(), to: address, subject: 'A real question', text: 'What are your opening hours?' });
    await dovecot.append(user, auto.raw);
    await dovecot.append(user, bounce);
    await dovecot.append(user, human.raw);
    await smtp.waitFor((m) => m.envelope.to.includes(human.raw.match(/From: <([^>]+)>/)![1]), 5000);
    await eventually(async () => (await dovecot.flags(user)).every((m) => m.flags.includes('$AcdIngested')), 5000, 'all flagged');
    const sentTo = smtp.messages().map((m) => m.envelope.to).flat();
    expect(sentTo).not.toContain(auto.raw.match(/From: <([^>]+)>/)![1]);
    expect(sentTo).not.toContain(bounceFrom);
    const tasks = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
    expect(tasks).toHaveLength(1);
    expect(tasks[0].attributes.subject).toBe('A real question');
  }, 30_000);

  it('quarantines a malformed message with its reason while the next one is ingested', async () => {
    const { user, address, mailbox, queue } = await setup({ agents: 0 });
    const broken = ['Subject: no sender at all', 'Content-Type: multipart/mixed; boundary="never-there"', '', 'garbage without parts', ''].join('\r\n');
    const next = mail({ from: customerAddress(), to: address, subject: 'After the broken one', text: 'Hello, I need help with my account.' });
    await dovecot.append(user, broken);
    await dovecot.append(user, next.raw);
    const tasks = await eventually(async () => {
      const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length === 1 ? list : null;
    }, 5000, 'next mail ingested');
    expect(tasks[0].attributes.subject).toBe('After the broken one');
    const quarantine = (await app.api.get(`/api/email/quarantine?mailboxId=${mailbox.id}`)).body;
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0].reason).toMatch(/boundary|sender/);
    const raw = await fetch(`${app.url}/api/email/quarantine/${quarantine[0].id}/raw`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(await raw.text()).toContain('garbage without parts');
    const status = (await app.api.get(`/api/mailboxes/${mailbox.id}`)).body.status;
    expect(status).toMatchObject({ messagesIngested: 1, messagesQuarantined: 1 });
    expect((await app.api.get('/api/email/quarantine?mailboxId=not-a-uuid')).status).toBe(400);
  }, 30_000);

  it('loses no mail when the IMAP connection is killed mid-session, and ingests none twice', async () => {
    scenario += 1;
    const proxy: TcpProxy = await startTcpProxy(dovecot.port);
    try {
      const { user, address, queue, mailbox } = await setup({ agents: 0, imapPort: proxy.port });
      const froms = Array.from({ length: 6 }, () => customerAddress());
      await dovecot.append(user, mail({ from: froms[0], to: address, subject: 'before the drop', text: 'one' }).raw);
      await eventually(async () => (await app.api.get(`/api/tasks?queue=${queue.id}`)).body.length === 1, 5000, 'first');
      proxy.cut();
      await proxy.pause();
      for (const from of froms.slice(1, 4)) await dovecot.append(user, mail({ from, to: address, subject: 'during the drop', text: 'two' }).raw);
      await proxy.resume();
      for (const from of froms.slice(4)) await dovecot.append(user, mail({ from, to: address, subject: 'after the drop', text: 'three' }).raw);
      const tasks = await eventually(async () => {
        const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
        return list.length >= 6 ? list : null;
      }, 20_000, 'all six mails');
      expect(tasks.map((t: { attributes: { from: string } }) => t.attributes.from).sort()).toEqual([...froms].sort());
      const status = (await app.api.get(`/api/mailboxes/${mailbox.id}`)).body.status;
      expect(status.messagesIngested).toBe(6);
      expect(status.connected).toBe(true);
    } finally {
      await proxy.stop();
    }
  }, 45_000);

  it('rescans a folder whose UIDVALIDITY changed, by Message-ID, without a duplicate message, task or acknowledgement', async () => {
    const { user, address, queue, mailbox } = await setup({ agents: 0 });
    const froms = Array.from({ length: 3 }, () => customerAddress());
    for (const from of froms) await dovecot.append(user, mail({ from, to: address, subject: 'Before the rebuild', text: 'Question.' }).raw);
    await eventually(async () => (await app.api.get(`/api/tasks?queue=${queue.id}`)).body.length === 3, 8000, 'three tasks');
    await eventually(async () => smtp.messages().filter((m) => froms.includes(m.envelope.to[0])).length === 3, 5000, 'three acknowledgements');
    const before = (await app.api.get(`/api/mailboxes/${mailbox.id}`)).body.status.uidValidity;

    // The server rebuilds the folder's index: a new UIDVALIDITY, every mail renumbered from 1.
    const renewed = await dovecot.resetUidValidity(user);
    expect(renewed).not.toBe(before);
    const late = customerAddress();
    await dovecot.append(user, mail({ from: late, to: address, subject: 'After the rebuild', text: 'Another question.' }).raw);
    await eventually(async () => (await app.api.get(`/api/mailboxes/${mailbox.id}`)).body.status.uidValidity === renewed, 15_000, 'new UIDVALIDITY saved');
    const tasks = await eventually(async () => {
      const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length >= 4 ? list : null;
    }, 10_000, 'the new mail');
    expect(tasks.map((t: { attributes: { from: string } }) => t.attributes.from).sort()).toEqual([...froms, late].sort());
    expect((await app.api.get(`/api/mailboxes/${mailbox.id}`)).body.status.messagesIngested).toBe(4);
    await eventually(async () => smtp.messages().some((m) => m.envelope.to.includes(late)), 5000, 'acknowledgement of the new mail');
    expect(smtp.messages().filter((m) => [...froms, late].includes(m.envelope.to[0]))).toHaveLength(4);
  }, 45_000);

  it('holds a flagged agent’s reply for approval; approved it is sent once with threading headers and rendered merge fields; rejected it returns to the agent', async () => {
    const { user, address, agents, queue } = await setup();
    const agent = agents[0];
    expect((await app.api.patch(`/api/agents/${agent.id}`, { repliesNeedApproval: true })).status).toBe(200);
    const template = await app.api.post('/api/templates', {
      name: `Answer ${scenario}`,
      language: 'en',
      subject: null,
      body: 'Dear {{customer.name}},\nyour case {{ticket.ref}} about "{{conversation.subject}}" is solved.\n{{agent.name}}',
    });
    expect(template.status).toBe(201);
    const from = customerAddress();
    const sent = mail({ from, fromName: 'Ada Lovelace', to: address, subject: 'Broken login', text: 'I cannot log in since yesterday, please help.' });
    const offered = agent.socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, sent.raw);
    const offer = await offered;
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    await smtp.waitFor((m) => m.envelope.to.includes(from), 5000); // the acknowledgement
    const agentApi = new ApiClient(app.url).as(agent.token);
    const conversationId = offer.task.conversationId;

    // Bad input changes nothing.
    expect((await agentApi.post(`/api/conversations/${conversationId}/reply`, {})).status).toBe(400);
    expect((await agentApi.post(`/api/conversations/${conversationId}/reply`, { text: '' })).status).toBe(400);

    const updates = agent.socket.next('reply:updated', (p) => p.reply.status === 'sent', 10_000);
    const pending = await agentApi.post(`/api/conversations/${conversationId}/reply`, { templateId: template.body.id, taskId: offer.task.id });
    expect(pending.status).toBe(201);
    expect(pending.body.status).toBe('pending_approval');
    const conversation = (await app.api.get(`/api/conversations/${conversationId}`)).body;
    expect(pending.body.text).toBe(`Dear Ada Lovelace,\nyour case ${conversation.ref} about "Broken login" is solved.\nMail agent ${scenario}.0`);
    const queueView = (await app.api.get('/api/replies?status=pending_approval')).body;
    expect(queueView.map((r: { id: string }) => r.id)).toContain(pending.body.id);
    expect((await agentApi.post(`/api/replies/${pending.body.id}/approve`, {})).status).toBe(403);
    // Nothing leaves before approval.
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(1);

    expect((await app.api.post(`/api/replies/${pending.body.id}/approve`, {})).status).toBe(201);
    await updates;
    const out = await smtp.waitFor((m) => m.envelope.to.includes(from) && m.parsed.subject?.startsWith('Re: Broken login') === true, 5000);
    expect(out.parsed.subject).toBe(`Re: Broken login [#${conversation.ref}]`);
    expect(out.headers['in-reply-to']).toContain(sent.messageId);
    expect(out.headers['references']).toContain(sent.messageId);
    expect(out.headers['auto-submitted']).toBeUndefined();
    expect(out.parsed.text).toContain(`your case ${conversation.ref}`);
    expect((await app.api.post(`/api/replies/${pending.body.id}/approve`, {})).status).toBe(409);

    // Rejected: back to the agent with the comment, never sent.
    const rejectedPush = agent.socket.next('reply:updated', (p) => p.reply.status === 'rejected', 5000);
    const second = await agentApi.post(`/api/conversations/${conversationId}/reply`, { text: 'Sorry, no idea.' });
    expect((await app.api.post(`/api/replies/${second.body.id}/reject`, {})).status).toBe(400);
    const rejected = await app.api.post(`/api/replies/${second.body.id}/reject`, { comment: 'Please explain the reset procedure.' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewComment: 'Please explain the reset procedure.' });
    expect((await rejectedPush).reply.reviewComment).toBe('Please explain the reset procedure.');
    const after = (await app.api.get(`/api/conversations/${conversationId}`)).body;
    expect(after.messages.filter((m: { direction: string }) => m.direction === 'out')).toHaveLength(2); // ack + approved reply
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(2);

    // An agent cannot answer a conversation that is not theirs.
    const outsider = await createAgent(app, { name: 'Outsider', skills: {}, capacity: { email: 1 } });
    expect((await new ApiClient(app.url).as(outsider.token).post(`/api/conversations/${conversationId}/reply`, { text: 'Hi' })).status).toBe(403);
    void queue;
  }, 45_000);

  it('holds for approval a non-flagged agent’s reply to a complaint when the mailbox reviews complaints, and sends the reply to any other mail', async () => {
    const { user, address, agents } = await setup({ mailbox: { reviewComplaints: true } });
    const agent = agents[0];
    const agentApi = new ApiClient(app.url).as(agent.token);
    /** The customer's mail offered to the agent, accepted and acknowledged: its task. */
    const accepted = async (from: string, subject: string, text: string) => {
      const offered = agent.socket.next('offer', (o) => o.task.attributes.from === from, 5000);
      await dovecot.append(user, mail({ from, to: address, subject, text }).raw);
      const offer = await offered;
      expect((await agent.socket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
      await smtp.waitFor((m) => m.envelope.to.includes(from), 5000); // the acknowledgement
      return offer.task;
    };
    const complainer = customerAddress();
    const complaint = await accepted(complainer, 'Charged twice', 'I was charged twice this month, please refund the second payment.');
    expect(complaint.attributes.intent).toBe('complaint');
    const asker = customerAddress();
    const question = await accepted(asker, 'Opening hours', 'Hello, could you tell me your opening hours on Saturday? Thanks.');
    expect(question.attributes.intent).not.toBe('complaint');

    const held = await agentApi.post(`/api/conversations/${complaint.conversationId}/reply`, { text: 'We refund the second payment today.', taskId: complaint.id });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'pending_approval', reviewReason: 'answer to a complaint' });
    expect((await app.api.get('/api/replies?status=pending_approval')).body.map((r: { id: string }) => r.id)).toContain(held.body.id);

    const sent = await agentApi.post(`/api/conversations/${question.conversationId}/reply`, { text: 'We are open from 9 to 12 on Saturday.', taskId: question.id });
    expect(sent.status).toBe(201);
    expect(sent.body.reviewReason).toBeNull();
    await smtp.waitFor((m) => m.envelope.to.includes(asker) && m.parsed.text?.includes('open from 9 to 12') === true, 5000);
    await eventually(async () => (await app.api.get(`/api/replies/${sent.body.id}`)).body.status === 'sent', 5000, 'answer sent');
    // The complaint's answer waits for a supervisor: the customer has only the acknowledgement.
    expect((await app.api.get(`/api/replies/${held.body.id}`)).body.status).toBe('pending_approval');
    expect(smtp.messages().filter((m) => m.envelope.to.includes(complainer))).toHaveLength(1);
  }, 30_000);

  it('retries a reply on a temporary SMTP failure and sends it exactly once', async () => {
    const { user, address, agents } = await setup();
    const from = customerAddress();
    const offered = agents[0].socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, mail({ from, to: address, subject: 'Retry me', text: 'Please answer.' }).raw);
    const offer = await offered;
    await agents[0].socket.emit('offer:accept', { offerId: offer.offerId });
    await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    smtp.failNext(2, 451);
    const sent = agents[0].socket.next('reply:updated', (p) => p.reply.status === 'sent', 10_000);
    const reply = await new ApiClient(app.url).as(agents[0].token).post(`/api/conversations/${offer.task.conversationId}/reply`, { text: 'Here you go.' });
    expect(reply.body.status).toBe('queued');
    const done = await sent;
    expect(done.reply.attempts).toBe(3);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from) && m.parsed.text?.includes('Here you go.'))).toHaveLength(1);
  }, 30_000);

  it('sends a reply once for one Idempotency-Key: a retry or a double submit answers the same reply', async () => {
    const { user, address, agents } = await setup();
    const from = customerAddress();
    const offered = agents[0].socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, mail({ from, to: address, subject: 'Double click', text: 'Please answer once.' }).raw);
    const offer = await offered;
    await agents[0].socket.emit('offer:accept', { offerId: offer.offerId });
    await smtp.waitFor((m) => m.envelope.to.includes(from), 5000); // the acknowledgement
    const agentApi = new ApiClient(app.url).as(agents[0].token);
    const path = `/api/conversations/${offer.task.conversationId}/reply`;
    const post = (key: string, text = 'Answered once.') => agentApi.request<any>('POST', path, { text }, { 'Idempotency-Key': key });

    // A double submit (two requests at once), then a client retry: one reply.
    const [a, b] = await Promise.all([post('k-1'), post('k-1')]);
    const retry = await post('k-1');
    expect([a.status, b.status, retry.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.id, b.body.id, retry.body.id]).size).toBe(1);
    // Another key is another reply; a malformed key changes nothing.
    const other = await post('k-2', 'A second answer.');
    expect(other.body.id).not.toBe(a.body.id);
    expect((await post('bad key with spaces')).status).toBe(400);
    await smtp.waitFor((m) => m.envelope.to.includes(from) && m.parsed.text?.includes('A second answer.') === true, 5000);
    await eventually(async () => (await app.api.get(`/api/replies/${a.body.id}`)).body.status === 'sent', 5000, 'first reply sent');
    const rows = await app.app.get(DataSource).query(`SELECT text FROM outbound_mails WHERE conversation_id = $1 AND kind = 'reply' ORDER BY created_at`, [offer.task.conversationId]);
    expect(rows).toEqual([{ text: 'Answered once.' }, { text: 'A second answer.' }]);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from) && m.parsed.text?.includes('Answered once.'))).toHaveLength(1);
    // A late second send of a sent row (a sweep that listed it while it was being sent) claims nothing and sends nothing.
    await (app.app.get(OutboxService) as unknown as { send(id: string): Promise<void> }).send(a.body.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from) && m.parsed.text?.includes('Answered once.'))).toHaveLength(1);
  }, 30_000);

  it('finishes the follow-ups of a committed mail from the periodic sweep, without a restart and without a second acknowledgement', async () => {
    const { user, address, mailbox, queue } = await setup({ agents: 0 });
    const db = app.app.get(DataSource);
    const subject = `Sweep me ${randomUUID().slice(0, 8)}`;
    const fn = `fail_task_${scenario}`;
    // The task insert of this mail fails (as a database refusing the write would); everything else works.
    await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.attributes ->> 'subject' = '${subject}' THEN RAISE EXCEPTION 'injected task failure'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    const from = customerAddress();
    let messageRowId: string;
    try {
      await dovecot.append(user, mail({ from, to: address, subject, text: 'Is anyone there?' }).raw);
      const failed = await eventually(async () => {
        const rows = await db.query(`SELECT id, meta FROM messages WHERE from_address = $1`, [from]);
        return rows[0]?.meta.followUpFailures >= 1 ? rows[0] : null;
      }, 8000, 'a failed follow-up');
      messageRowId = failed.id;
      expect(failed.meta.processed).toBe(false);
      // The watcher stops (no re-fetch can finish the mail): only the sweep is left.
      expect((await app.api.patch(`/api/mailboxes/${mailbox.id}`, { enabled: false })).status).toBe(200);
      await eventually(async () => !(await app.app.get(MailboxRunnerService).watching()).includes(mailbox.id), 5000, 'watcher stopped');
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS ${fn} ON tasks`);
      await db.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
    // Failures made while the watcher was still retrying push the sweep's backoff out (1, 2, 4 … s after
    // the fifth): on a loaded machine that can be several seconds.
    const tasks = await eventually(async () => {
      const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length === 1 ? list : null;
    }, 20_000, 'the task created by the sweep');
    expect(tasks[0].attributes.subject).toBe(subject);
    const [row] = await db.query(`SELECT meta FROM messages WHERE id = $1`, [messageRowId!]);
    expect(row.meta).toMatchObject({ processed: true, taskId: tasks[0].id });
    // The acknowledgement went out with the first attempt; the retries did not send another.
    await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    expect(await db.query(`SELECT kind FROM outbound_mails WHERE to_address = $1`, [from])).toEqual([{ kind: 'acknowledgement' }]);
  }, 45_000);

  it('gives in the acknowledgement the answer time of the live backlog: waiting emails × handle time ÷ signed-in email slots', async () => {
    // Two agents with 2 email slots each: 4 slots. SLA 4 h. No completed email in the queue yet: 600 s per mail.
    const { user, address, queue, agents } = await setup({ agents: 2 });
    const acknowledgement = async (subject: string) => {
      const from = customerAddress();
      await dovecot.append(user, mail({ from, to: address, subject, text: 'Hello, I have a question about my account.' }).raw);
      return (await smtp.waitFor((m) => m.envelope.to.includes(from), 5000)).parsed.text ?? '';
    };
    // Nothing waiting: max(1, 0) × 600 s ÷ 4 = 150 s.
    expect(await acknowledgement('Empty queue')).toContain('One of our advisors will answer within the hour.');
    // 30 more emails waiting, plus the first mail's task: 31 × 600 s ÷ 4 = 4650 s = 1.3 h, rounded up.
    for (let i = 0; i < 30; i++) await createTask(app, { channel: 'email', queue: queue.name, attributes: { subject: `backlog ${i}` } });
    expect(await acknowledgement('Busy queue')).toContain('One of our advisors will answer within 2 hours.');
    // Nobody signed in: the SLA (4 h), or the backlog at one slot when longer: 32 × 600 s = 5.3 h.
    for (const agent of agents) expect((await agent.socket.emit('presence:set', { state: 'offline' })).ok).toBe(true);
    expect(await acknowledgement('Nobody there')).toContain('One of our advisors will answer within 6 hours.');
  }, 30_000);

  it('acknowledges with the built-in text when the acknowledgement template was deleted', async () => {
    const { user, address } = await setup({ agents: 0 });
    const summary = (await app.api.get('/api/templates?language=en')).body.find((t: { name: string }) => t.name === 'acknowledgement-en');
    const original = (await app.api.get(`/api/templates/${summary.id}`)).body;
    expect((await app.api.request('DELETE', `/api/templates/${summary.id}`)).status).toBe(204);
    try {
      const from = customerAddress();
      await dovecot.append(user, mail({ from, fromName: 'Katherine Johnson', to: address, subject: 'Lost password', text: 'Hello, I lost my password, can you help?' }).raw);
      const ack = await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
      const customer = (await app.api.get(`/api/customers?email=${from}`)).body[0];
      const ref = (await app.api.get(`/api/customers/${customer.id}/journey`)).body.contacts[0].ref;
      expect(ack.parsed.subject).toBe(`We have received your request [#${ref}]`);
      expect(ack.parsed.text).toContain('Hello Katherine Johnson,');
      expect(ack.parsed.text).toContain(`registered under the reference ${ref}`);
      expect(ack.parsed.text).toContain('One of our advisors will answer within 4 hours.'); // nobody signed in: the 4 h SLA
      const rows = await app.app.get(DataSource).query(`SELECT kind, template_id FROM outbound_mails WHERE to_address = $1`, [from]);
      expect(rows).toEqual([{ kind: 'acknowledgement', template_id: null }]);
    } finally {
      const restored = await app.api.post('/api/templates', { name: original.name, language: original.language, subject: original.subject, body: original.body });
      expect(restored.status).toBe(201);
    }
  }, 30_000);

  it('caps automatic mails per address per day, and still queues every mail', async () => {
    const { user, address, queue } = await setup({ agents: 0 });
    const from = customerAddress();
    for (let i = 0; i < 5; i++) await dovecot.append(user, mail({ from, to: address, subject: `New request ${i}`, text: `Request number ${i}, please.` }).raw);
    await eventually(async () => (await dovecot.flags(user)).filter((m) => m.flags.includes('$AcdIngested')).length === 5, 8000, 'five ingested');
    // Every mail is processed (flagged after its follow-ups): the outbox holds all the automatic mail there will be.
    const outbox = await app.app.get(DataSource).query(`SELECT kind FROM outbound_mails WHERE to_address = $1`, [from]);
    expect(outbox).toEqual([{ kind: 'acknowledgement' }, { kind: 'acknowledgement' }, { kind: 'acknowledgement' }]);
    await eventually(async () => smtp.messages().filter((m) => m.envelope.to.includes(from)).length === 3, 5000, 'three sent');
    const tasks = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
    expect(tasks).toHaveLength(5);
  }, 30_000);

  it('answers an information request from an auto-reply rule (template + attachment) instead of the acknowledgement, and still queues it', async () => {
    const { user, address, mailbox, queue } = await setup({ agents: 0 });
    const template = await app.api.post('/api/templates', {
      name: `Opening hours ${scenario}`,
      language: 'en',
      subject: 'Our opening hours [#{{ticket.ref}}]',
      body: 'Hello {{customer.name}},\nwe are open Monday to Friday, 8:00 to 18:00. The brochure is attached.',
      attachments: [{ filename: 'brochure.txt', contentType: 'text/plain', contentBase64: Buffer.from('Opening hours brochure').toString('base64') }],
    });
    expect(template.status).toBe(201);
    const rule = await app.api.post('/api/auto-replies', { name: `Hours ${scenario}`, intents: ['information'], keywords: ['opening hours'], templateId: template.body.id, mailboxId: mailbox.id });
    expect(rule.status).toBe(201);
    const closing = await app.api.post('/api/auto-replies', {
      name: `Price list ${scenario}`,
      intents: ['quote'],
      keywords: ['price list'],
      templateId: template.body.id,
      mailboxId: mailbox.id,
      closesRequest: true,
      priority: 10,
    });
    expect(closing.status).toBe(201);

    const from = customerAddress();
    const asked = mail({ from, fromName: 'Grace Hopper', to: address, subject: 'Opening hours?', text: 'Hello, what are your opening hours on Saturday? Thank you.' });
    await dovecot.append(user, asked.raw);
    const auto = await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    expect(auto.parsed.subject).toMatch(/^Our opening hours \[#[2-9A-Z]{3}-[2-9A-Z]{3}\]$/);
    expect(auto.parsed.text).toContain('Hello Grace Hopper');
    expect(auto.parsed.attachments.map((a) => a.filename)).toEqual(['brochure.txt']);
    expect(auto.headers['auto-submitted']).toBe('auto-replied');
    const tasks = await eventually(async () => {
      const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length === 1 ? list : null;
    }, 5000, 'task queued');
    expect(tasks[0].attributes.intent).toBe('information');

    // A rule that closes the request: answered, and no task.
    const other = customerAddress();
    await dovecot.append(user, mail({ from: other, to: address, subject: 'Prices', text: 'Hello, how much are your chairs? Please send me your price list.' }).raw);
    await smtp.waitFor((m) => m.envelope.to.includes(other), 5000);
    await eventually(async () => (await dovecot.flags(user)).every((m) => m.flags.includes('$AcdIngested')), 5000, 'flagged');
    expect((await app.api.get(`/api/tasks?queue=${queue.id}`)).body).toHaveLength(1);
    // One automatic mail each: the auto-reply replaced the acknowledgement.
    expect(smtp.messages().filter((m) => m.envelope.to.includes(from))).toHaveLength(1);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(other))).toHaveLength(1);
    await app.api.patch(`/api/auto-replies/${rule.body.id}`, { enabled: false });
    await app.api.patch(`/api/auto-replies/${closing.body.id}`, { enabled: false });
  }, 30_000);

  it('answers only the first mail of a conversation automatically: a follow-up goes to the owning agent, with no auto-reply', async () => {
    const { user, address, mailbox, agents } = await setup();
    const agent = agents[0];
    const template = await app.api.post('/api/templates', { name: `Hours again ${scenario}`, language: 'en', subject: null, body: 'We are open 8:00 to 18:00.' });
    const rules = [
      await app.api.post('/api/auto-replies', { name: `Hours ${scenario}`, intents: ['information'], keywords: ['opening hours'], templateId: template.body.id, mailboxId: mailbox.id }),
      await app.api.post('/api/auto-replies', { name: `Prices ${scenario}`, intents: ['quote', 'information'], keywords: ['price list'], templateId: template.body.id, mailboxId: mailbox.id, closesRequest: true, priority: 10 }),
    ];
    expect(rules.map((r) => r.status)).toEqual([201, 201]);
    const from = customerAddress();
    const first = mail({ from, to: address, subject: 'Opening hours', text: 'Hello, what are your opening hours on Saturday?' });
    const offered = agent.socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, first.raw);
    const offer = await offered;
    const auto = await smtp.waitFor((m) => m.envelope.to.includes(from), 5000);
    expect(auto.parsed.text).toContain('We are open 8:00 to 18:00.');
    expect((await agent.socket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
    await eventually(async () => (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body.ownerAgentId === agent.id, 5000, 'owner set');
    expect((await agent.socket.emit('task:complete', { taskId: offer.task.id, disposition: 'answered' })).ok).toBe(true);
    await agent.socket.emit('presence:set', { state: 'available' });

    // The follow-up matches both rules' words (one of which closes the request): it still goes to the agent, unanswered by a robot.
    const autoId = String(auto.parsed.messageId).replace(/[<>]/g, '');
    const followUp = mail({ from, to: address, subject: `Re: ${auto.parsed.subject}`, text: 'Thanks. And your opening hours on Sunday? Please also send your price list.', inReplyTo: autoId, references: [first.messageId, autoId] });
    const again = agent.socket.next('offer', (o) => o.task.attributes.from === from, 5000);
    await dovecot.append(user, followUp.raw);
    const second = await again;
    expect(second.task.conversationId).toBe(offer.task.conversationId);
    expect(second.task.preferredAgentId).toBe(agent.id);
    // The task exists, so the follow-ups (auto-reply decision included) are done: the outbox holds every automatic mail.
    const automatic = await app.app.get(DataSource).query(`SELECT kind FROM outbound_mails WHERE to_address = $1`, [from]);
    expect(automatic).toEqual([{ kind: 'auto-reply' }]);
    for (const rule of rules) await app.api.patch(`/api/auto-replies/${rule.body.id}`, { enabled: false });
  }, 30_000);

  it('sanitizes inbound HTML, keeps attachments within limits, names the ones omitted and shows the whole journey', async () => {
    const { user, address, queue } = await setup({ agents: 0 });
    const from = customerAddress();
    const boundary = 'mixed-boundary';
    const part = (filename: string, contentType: string, content: Buffer) => [
      `--${boundary}`,
      `Content-Type: ${contentType}; name="${filename}"`,
      `Content-Disposition: attachment; filename="${filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ];
    const photo = Buffer.alloc(60_000, 0x50);
    const raw = [
      `From: "Alan Turing" <${from}>`,
      `To: <${address}>`,
      'Subject: Photo of the damaged parcel',
      `Message-ID: <${randomUUID()}@customer.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onclick="steal()">The parcel arrived <b>broken</b>.</p><script>window.top.pwned = 1</script><img src="https://tracker.example/p.gif" onerror="alert(1)"><iframe src="https://evil.example"></iframe>',
      `--${boundary}`,
      'Content-Type: image/png; name="parcel.png"',
      'Content-Disposition: attachment; filename="parcel.png"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('not really a png, but bytes').toString('base64'),
      // Over the 64 KB limit of one attachment; then 27 + 60,000 bytes fit the 100 KB of a mail, a second 60,000 do not.
      ...part('scan.pdf', 'application/pdf', Buffer.alloc(70_000, 0x53)),
      ...part('photo-1.jpg', 'image/jpeg', photo),
      ...part('photo-2.jpg', 'image/jpeg', photo),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await dovecot.append(user, raw);
    const task = (await eventually(async () => {
      const list = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length === 1 ? list : null;
    }, 5000, 'task'))[0];
    const conversation = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    const inbound = conversation.messages.find((m: { direction: string }) => m.direction === 'in');
    expect(inbound.html).toContain('<b>broken</b>');
    expect(inbound.html).not.toMatch(/script|onclick|onerror|iframe|tracker\.example/);
    expect(inbound.text).toContain('The parcel arrived');
    // Stored in one transaction (one created_at): their order is not the mail's, hence sorted here.
    const stored = [...inbound.attachments].sort((a: { filename: string }, b: { filename: string }) => a.filename.localeCompare(b.filename));
    expect(stored).toEqual([
      { id: expect.any(String), filename: 'parcel.png', contentType: 'image/png', size: 27 },
      { id: expect.any(String), filename: 'photo-1.jpg', contentType: 'image/jpeg', size: 60_000 },
    ]);
    expect(inbound.omittedAttachments).toEqual([
      { filename: 'scan.pdf', size: 70_000, reason: 'attachment_too_large' },
      { filename: 'photo-2.jpg', size: 60_000, reason: 'attachments_total_too_large' },
    ]);
    expect(Object.keys(inbound).filter((key) => !['attachments', 'omittedAttachments'].includes(key)).sort()).toEqual(
      ['at', 'authorAgentId', 'channel', 'direction', 'from', 'html', 'id', 'inReplyTo', 'messageId', 'subject', 'text', 'to'],
    );
    const download = await fetch(`${app.url}/api/email/attachments/${stored[0].id}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('not really a png, but bytes');
    expect((await fetch(`${app.url}/api/email/attachments/${stored[0].id}`)).status).toBe(401);

    const journey = (await app.api.get(`/api/customers/${conversation.customer.id}/journey`)).body;
    expect(journey.customer).toMatchObject({ email: from, name: 'Alan Turing' });
    expect(journey.contacts).toEqual([
      expect.objectContaining({ conversationId: conversation.id, ref: conversation.ref, channel: 'email', subject: 'Photo of the damaged parcel', tasks: [expect.objectContaining({ id: task.id, channel: 'email', status: 'queued' })] }),
    ]);
    expect(conversation.tasks.map((t: { id: string }) => t.id)).toEqual([task.id]);
  }, 30_000);

  it('keeps the mailbox moving on awkward mail: list mail, old mail, a NUL byte', async () => {
    const { user, address, queue } = await setup({ agents: 0 });
    const list = mail({ from: `news-${randomUUID().slice(0, 6)}@lists.example`, to: address, subject: 'Weekly digest', text: 'News.', headers: { 'List-Id': '<digest.lists.example>' } });
    const old = mail({ from: customerAddress(), to: address, subject: 'Sent long ago', text: 'Old question.' });
    const oldRaw = old.raw.replace(/^Date: .*$/m, 'Date: Mon, 02 Mar 2026 09:00:00 +0000');
    const nulFrom = customerAddress();
    const nul = mail({ from: nulFrom, to: address, subject: 'Broken\u0000subject', text: 'Text with a \u0000 NUL byte.' });
    await dovecot.append(user, list.raw);
    await dovecot.append(user, oldRaw);
    await dovecot.append(user, nul.raw);
    await eventually(async () => (await dovecot.flags(user)).every((m) => m.flags.includes('$AcdIngested')), 8000, 'all three flagged');
    const tasks = (await app.api.get(`/api/tasks?queue=${queue.id}`)).body;
    const subjects = tasks.map((t: { attributes: { subject: string } }) => t.attributes.subject).sort();
    expect(subjects).toHaveLength(2);
    expect(subjects[0]).toMatch(/^Broken\W?subject$/); // the NUL is gone (mailparser may leave a replacement character)
    expect(subjects[1]).toBe('Sent long ago');
    await smtp.waitFor((m) => m.envelope.to.includes(nulFrom), 5000);
    const recipients = smtp.messages().map((m) => m.envelope.to[0]);
    expect(recipients).not.toContain(list.raw.match(/From: <([^>]+)>/)![1]); // a list gets nothing back
    expect(recipients).not.toContain(oldRaw.match(/From: <([^>]+)>/)![1]); // last month's mail is not acknowledged today
  }, 30_000);

  it('threads neither a stranger quoting a reference with the customer as Reply-To nor lets an out-of-office block the reply', async () => {
    const { user, address, agents } = await setup();
    const agent = agents[0];
    // A customer's case, then a stranger quoting its reference with the customer as Reply-To: not threaded.
    const owner = customerAddress();
    const first = mail({ from: owner, to: address, subject: 'My contract', text: 'Please check my contract.' });
    const offered = agent.socket.next('offer', (o) => o.task.attributes.from === owner, 5000);
    await dovecot.append(user, first.raw);
    const offer = await offered;
    const ref = (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body.ref;
    await dovecot.append(user, mail({ from: customerAddress(), to: address, subject: `Re: My contract [#${ref}]`, text: 'Redirect it to me', headers: { 'Reply-To': `<${owner}>` } }).raw);
    // The customer's out-of-office lands in the thread too.
    await dovecot.append(user, mail({ from: owner, to: address, subject: 'Automatic reply: My contract', text: 'I am away.', inReplyTo: first.messageId, headers: { 'Auto-Submitted': 'auto-replied' } }).raw);
    await eventually(async () => (await dovecot.flags(user)).every((m) => m.flags.includes('$AcdIngested')), 8000, 'flagged');
    const conversation = (await app.api.get(`/api/conversations/${offer.task.conversationId}`)).body;
    expect(conversation.messages.filter((m: { direction: string }) => m.direction === 'in').map((m: { subject: string }) => m.subject)).toEqual(['My contract', 'Automatic reply: My contract']);
    // The agent still answers the customer's real mail, not the out-of-office.
    await agent.socket.emit('offer:accept', { offerId: offer.offerId });
    const reply = await new ApiClient(app.url).as(agent.token).post(`/api/conversations/${offer.task.conversationId}/reply`, { text: 'Checked, all fine.' });
    expect(reply.status).toBe(201);
    const out = await smtp.waitFor((m) => m.envelope.to.includes(owner) && m.parsed.text?.includes('Checked, all fine.') === true, 5000);
    expect(out.headers['in-reply-to']).toContain(first.messageId);
  }, 45_000);

  it('guards the mailbox API: admin only, validated, secrets never returned', async () => {
    scenario += 1;
    const queue = await createQueue(app, { channel: 'email' });
    const agent = await createAgent(app, {});
    const body = {
      address: `guard${scenario}@acd.test`,
      queue: queue.name,
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'nobody', password: 'imap-secret-value' },
      smtp: { host: '127.0.0.1', port: 2, secure: false, user: 'smtp-user', password: 'smtp-secret-value' },
      enabled: false,
    };
    expect((await new ApiClient(app.url).as(agent.token).post('/api/mailboxes', body)).status).toBe(403);
    expect((await app.api.post('/api/mailboxes', { ...body, imap: { ...body.imap, port: 'x' } })).status).toBe(400);
    const voiceQueue = await createQueue(app, { channel: 'voice' });
    expect((await app.api.post('/api/mailboxes', { ...body, queue: voiceQueue.name })).status).toBe(400);
    const created = await app.api.post('/api/mailboxes', body);
    expect(created.status).toBe(201);
    expect((await app.api.post('/api/mailboxes', body)).status).toBe(409);
    const listed = await app.api.get('/api/mailboxes');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain('imap-secret-value');
    expect(text).not.toContain('smtp-secret-value');
    expect(created.body.imap).toMatchObject({ passwordSet: true, user: 'nobody' });
    const stored = await app.app.get(DataSource).query('SELECT imap_password, smtp_password FROM mailboxes WHERE id = $1', [created.body.id]);
    expect(stored[0].imap_password).not.toContain('imap-secret-value');
    expect(stored[0].smtp_password).toMatch(/^v1:/);
  });
});

/**
 * Two app processes on one Redis and one Postgres: each mailbox is watched by
 * exactly one of them (a lease in the state store); when that node goes away,
 * the other takes over from the stored cursor and nothing is lost or doubled.
 */
describe('email ingestion with two app nodes on Redis', () => {
  let env: TestEnvironment;
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  let first: TestApp;
  let second: TestApp;
  const open = new Set<TestApp>();

  beforeAll(async () => {
    [dovecot, smtp, env] = await Promise.all([startDovecot(), startSmtpSink(), createTestEnvironment('redis')]);
    first = await startTestApp(env);
    second = await startTestApp(env);
    open.add(first).add(second);
  }, 60_000);

  afterAll(async () => {
    for (const app of open) await app.close();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
    await env?.dispose();
  }, 60_000);

  it('watches a mailbox from one node only, and the other takes over when it stops', async () => {
    const user = 'shared';
    await dovecot.addUser(user, 'shared-secret-pw');
    const queue = await createQueue(first, { channel: 'email' });
    const created = await first.api.post('/api/mailboxes', {
      address: 'shared@acd.test',
      queue: queue.name,
      imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user, password: 'shared-secret-pw' },
      smtp: { host: smtp.host, port: smtp.port, secure: false },
    });
    expect(created.status).toBe(201);
    await eventually(async () => (await first.api.get(`/api/mailboxes/${created.body.id}`)).body.status.connected, 10_000, 'connected');
    const froms = Array.from({ length: 6 }, () => `c-${randomUUID().slice(0, 8)}@client.example`);
    for (const from of froms.slice(0, 3)) await dovecot.append(user, mail({ from, to: 'shared@acd.test', subject: 'first batch', text: 'hello' }).raw);
    await eventually(async () => (await first.api.get(`/api/tasks?queue=${queue.id}`)).body.length === 3, 8000, 'first batch');
    expect(await dovecot.sessionCount(user)).toBe(1);

    // Whichever node holds the lease goes away; the other one picks the mailbox up.
    const holderIsFirst = (await first.app.get(MailboxRunnerService).watching()).includes(created.body.id);
    const [gone, survivor] = holderIsFirst ? [first, second] : [second, first];
    open.delete(gone);
    await gone.close();
    for (const from of froms.slice(3)) await dovecot.append(user, mail({ from, to: 'shared@acd.test', subject: 'second batch', text: 'hello again' }).raw);
    const tasks = await eventually(async () => {
      const list = (await survivor.api.get(`/api/tasks?queue=${queue.id}`)).body;
      return list.length >= 6 ? list : null;
    }, 30_000, 'takeover');
    expect(tasks.map((t: { attributes: { from: string } }) => t.attributes.from).sort()).toEqual([...froms].sort());
    expect(await survivor.app.get(MailboxRunnerService).watching()).toContain(created.body.id);
    await eventually(async () => (await dovecot.sessionCount(user)) === 1, 5000, 'one session');
    // One acknowledgement per mail, whichever node ingested it.
    await eventually(async () => smtp.messages().length >= 6, 10_000, 'six acknowledgements');
    expect(smtp.messages().map((m) => m.envelope.to[0]).sort()).toEqual([...froms].sort());
  }, 60_000);
});
