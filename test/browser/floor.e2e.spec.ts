import { Browser, Page } from 'playwright-core';
import { TelephonySimulator } from '../../bench/telephony-sim';
import { SocketClient } from '../support/agent-client';
import { ApiClient } from '../support/api-client';
import { TestApp, TestEnvironment, availableAgent, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from '../support/test-app';
import { acceptOffer, eventually, goAvailable, isFocused, launchChromium, pageOpener, presence, screenshot, screenshotSideBySide, text } from './browser-support';
import { wallboardMatchesApi } from './wallboard-check';

const SECRET = 'telephony-browser-secret-0123456789';
/** The policy every scenario starts from: email waits while any call waits (however long). */
const BASE_POLICY = { lullMaxVoiceWaiting: 0, lullMaxVoiceWaitSeconds: 600, voiceReserveAgents: 0, interruptibleEmail: false, chatDuringCalls: false, emailSlaGuardPercent: 80 };

/**
 * The floor in a real browser (client-softphone, built by `npm run build`):
 * calls from a simulated telephony system (signed events in, signed
 * call.assign / hold / resume / hangup webhooks out, on a real HTTP listener),
 * chats from a real /chat visitor socket, agents and supervisors in headless
 * Chromium, each in its own browser context. Every scenario has its own
 * queues and skills; waits are on DOM states, never on sleeps.
 */
describe('the floor in a real browser: calls, chats, blending, wallboard, quality', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;
  let sim: TelephonySimulator;
  const sockets: SocketClient[] = [];

  const pages = pageOpener(() => ({ browser, url: app.url }));
  const open = (email: string) => pages.open(email);
  const accept = async (page: Page, taskId: string) => (await acceptOffer(page, taskId)).panel;

  const commands = (callId: string) => sim.assigns.filter((a) => a.payload.callId === callId).map((a) => a.payload.type);

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    sim = new TelephonySimulator('', SECRET);
    const webhook = await sim.listen();
    [app, browser] = await Promise.all([startTestApp(env, { telephonySecret: SECRET, telephonyWebhookUrl: webhook }), launchChromium()]);
    sim.baseUrl = app.url;
  });

  beforeEach(async () => {
    expect((await app.api.put('/api/blending', BASE_POLICY)).status).toBe(200);
  });

  afterEach(async () => {
    await Promise.all(sockets.filter((s) => s.socket.connected).map((s) => s.emit('presence:set', { state: 'offline' }).catch(() => undefined)));
    sockets.splice(0).forEach((socket) => socket.close());
    await pages.closeAll();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sim?.close();
    await env?.dispose();
  });

  it('works a call and a chat in parallel tabs of one workspace (chats during calls on): the call held, resumed and ended with a disposition, the chat answered', async () => {
    const hotline = await createQueue(app, { name: 'Hotline FR', channel: 'voice', skills: ['fa-voice'], wrapUpSeconds: 60 });
    const archive = await createQueue(app, { name: 'Hotline (archive)', channel: 'voice', skills: ['fa-old'], wrapUpSeconds: 0 });
    const webChat = await createQueue(app, { name: 'Web chat', channel: 'chat', skills: ['fa-chat'], wrapUpSeconds: 0 });
    const phone = '+33 6 12 34 56 78';
    const customer = await app.api.post('/api/customers', { name: 'Claire Dubois', phone, email: 'claire.dubois@example.fr' });
    expect(customer.status).toBe(201);

    // Claire called last week: Marc took the call and left it "follow-up needed".
    const marc = await createAgent(app, { name: 'Marc Petit', skills: { 'fa-old': 5 }, capacity: { voice: 1, chat: 0, email: 0 } });
    const marcSocket = await availableAgent(app, marc);
    sockets.push(marcSocket);
    const earlier = await sim.offer(`fa-earlier-${Date.now()}`, { from: phone, queue: archive.name });
    const earlierOffer = await marcSocket.next('offer', (o) => o.task.id === earlier.body.taskId);
    expect(await marcSocket.emit('offer:accept', { offerId: earlierOffer.offerId })).toMatchObject({ ok: true });
    expect((await app.api.as(marc.token).post(`/api/calls/${earlier.body.taskId}/end`, { disposition: 'follow-up' })).status).toBe(200);

    // One agent for both: a call and chats at once (voice 1, chat 2), which the supervisor allows in the blending panel.
    const ines = await createAgent(app, { name: 'Inès Garnier', skills: { 'fa-voice': 6, 'fa-chat': 6 }, capacity: { voice: 1, chat: 2, email: 0 } });
    const supervisor = await createAgent(app, { name: 'Nadia Lefèvre', role: 'supervisor' });
    const [page, board] = await Promise.all([open(ines.email), open(supervisor.email)]);
    const parallel = board.getByLabel('Chats during calls');
    expect(await parallel.isChecked()).toBe(false);
    await parallel.check();
    await board.getByTestId('blending-panel').getByText('Applied.').waitFor();
    expect((await app.api.get('/api/blending')).body.chatDuringCalls).toBe(true);
    await goAvailable(page);

    // The call rings with the caller's number; Inès takes it and the PBX connects it.
    const callId = `fa-call-${Date.now()}`;
    const { body: call } = await sim.offer(callId, { from: phone, queue: hotline.name });
    const ringing = page.locator(`[data-testid=offer][data-task-id="${call.taskId}"]`);
    expect(await text(ringing)).toContain(phone);
    const callPanel = await accept(page, call.taskId);
    const assign = await sim.nextAssign((a) => a.payload.callId === callId);
    expect(assign.payload).toMatchObject({ type: 'call.assign', agentId: ines.id });
    await sim.answer(callId);

    // The call card: number, the customer's name (from the journey), a running timer; the journey shows Marc's call.
    const card = callPanel.locator('[data-testid=call-card]');
    await card.locator('[data-testid=caller-number]', { hasText: phone }).waitFor();
    await card.locator('[data-testid=caller-name]', { hasText: 'Claire Dubois' }).waitFor();
    const callTab = page.getByRole('tab', { name: /Claire Dubois/ });
    await callTab.waitFor();
    await eventually(async () => {
      const seconds = Number(await card.locator('[data-testid=call-timer]').getAttribute('data-seconds'));
      return seconds >= 1 ? true : `timer at ${seconds}`;
    });
    const past = callPanel.locator(`[data-testid=journey-contact][data-conversation-id]`);
    await past.first().waitFor();
    expect(await past.count()).toBe(1);
    expect(await past.getAttribute('data-channel')).toBe('voice');
    expect(await text(past.locator('[data-field=handled-by]'))).toContain('Marc Petit');
    expect(await text(past.locator('[data-field=outcome]'))).toBe('Follow-up needed');

    // Hold: the PBX is told, the card says so.
    await card.getByRole('button', { name: 'Hold' }).click();
    await callPanel.locator('[data-testid=call-card][data-call-state=held]').waitFor();
    await sim.nextAssign((a) => a.payload.callId === callId && a.payload.type === 'call.hold');

    // A visitor opens a chat meanwhile: it rings on Inès's screen, on the call, and opens in a second tab.
    const chat = await new ApiClient(app.url).post('/api/chat/sessions', { name: 'Léa Moreau', email: 'lea.moreau@example.fr', queue: webChat.name, language: 'fr' });
    expect(chat.status).toBe(201);
    const visitor = await SocketClient.connect(app.url, '/chat', chat.body.token);
    sockets.push(visitor);
    await visitor.next('session');
    expect(await visitor.emit('message', { text: 'Bonjour, ma box ne fonctionne plus depuis ce matin' })).toMatchObject({ ok: true, status: 'queued' });
    const chatOffer = page.locator('[data-testid=offer]');
    await chatOffer.waitFor();
    const chatTaskId = (await chatOffer.getAttribute('data-task-id'))!;
    const chatPanel = await accept(page, chatTaskId);
    const chatTab = page.getByRole('tab', { name: /Léa Moreau/ });
    await chatTab.waitFor();
    expect(await page.getByRole('tab').count()).toBe(2);
    expect(await chatTab.getAttribute('aria-selected')).toBe('true');
    expect((await app.api.get(`/api/agents/${ines.id}`)).body.load).toMatchObject({ voice: 1, chat: 1 });

    // Inès answers the chat; the visitor reads it and answers back. The call stays on hold in its tab.
    const thread = chatPanel.locator('[data-testid=chat-thread]');
    await thread.getByText('Bonjour, ma box ne fonctionne plus depuis ce matin').waitFor();
    await thread.getByLabel('Write to the customer').fill('Bonjour Léa, je regarde votre ligne tout de suite.');
    await thread.getByRole('button', { name: 'Send' }).click();
    expect(await visitor.next('message', (m) => m.author === 'agent')).toMatchObject({ text: 'Bonjour Léa, je regarde votre ligne tout de suite.', name: 'Inès Garnier' });
    await visitor.emit('message', { text: 'Merci beaucoup !' });
    await thread.getByText('Merci beaucoup !').waitFor();

    await page.setViewportSize({ width: 1120, height: 900 });
    await screenshotSideBySide(browser, 'agent-call-and-chat', [
      { page, caption: 'Inès: the chat, while a call waits on hold in the next tab', prepare: () => chatTab.click() },
      { page, caption: 'Inès: the call on hold, the caller’s journey', prepare: () => callTab.click() },
    ]);

    // Back to the call with the keyboard (arrows move between tabs), resumed with Alt+H in the call card.
    await chatTab.click();
    await chatTab.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await callTab.getAttribute('aria-selected')).toBe('true');
    await card.getByRole('button', { name: 'Resume' }).focus();
    await page.keyboard.press('Alt+h');
    await callPanel.locator('[data-testid=call-card][data-call-state=talking]').waitFor();
    await sim.nextAssign((a) => a.payload.callId === callId && a.payload.type === 'call.resume');

    // End the call with a disposition: wrap-up, the PBX hangs up, the card shows the call ended; the chat goes on.
    await card.getByLabel('Disposition').selectOption('resolved');
    await callPanel.getByLabel('Notes (saved with the task)').fill('Box redémarrée à distance, OK.');
    await card.getByRole('button', { name: 'End call' }).click();
    await callPanel.locator('[data-testid=task-status][data-status=wrapping]').waitFor();
    await callPanel.locator('[data-testid=call-card][data-call-state=ended]').waitFor();
    await presence(page, 'wrapup', 'after-task');
    await sim.nextAssign((a) => a.payload.callId === callId && a.payload.type === 'call.hangup');
    expect(commands(callId)).toEqual(['call.assign', 'call.hold', 'call.resume', 'call.hangup']);
    expect(await callPanel.getByLabel('Notes (saved with the task)').inputValue()).toBe('Box redémarrée à distance, OK.');

    // The chat, in its tab, is completed: the visitor is told; the call's wrap-up tab remains.
    await chatTab.click();
    await chatPanel.getByLabel('Disposition').selectOption('resolved');
    await chatPanel.getByRole('button', { name: 'Complete' }).click();
    expect(await visitor.next('closed')).toEqual({ reason: 'completed' });
    await chatTab.waitFor({ state: 'detached' });
    expect(await callTab.getAttribute('aria-selected')).toBe('true');

    // The record: disposition, and the hold in the task history.
    const done = (await app.api.get(`/api/tasks/${call.taskId}`)).body;
    // The notes typed before End call went with the hang-up (POST /api/calls/:taskId/end {notes}).
    expect(done).toMatchObject({ status: 'wrapping', disposition: 'resolved', notes: 'Box redémarrée à distance, OK.', agentId: ines.id });
    const journey = (await app.api.get(`/api/customers/${customer.body.id}/journey`)).body;
    const contact = journey.contacts.find((c: { conversationId: string }) => c.conversationId === done.conversationId);
    expect(contact.tasks[0].events.map((e: { type: string }) => e.type)).toEqual(['created', 'offered', 'assigned', 'connected', 'held', 'resumed', 'completed']);
    expect((await app.api.get(`/api/tasks/${chatTaskId}`)).body).toMatchObject({ status: 'completed', disposition: 'resolved', agentId: ines.id });

    // The wrap-up screen in French, then Ready: the workspace is empty.
    await page.getByLabel('Language').selectOption('fr');
    await card.locator('[data-testid=call-state]', { hasText: 'Terminé' }).waitFor();
    await page.getByRole('button', { name: 'Prêt' }).click();
    await presence(page, 'available');
    await page.getByTestId('workspace-empty').waitFor();
  });

  it('lets a supervisor loosen the lull rule in the blending panel: the agent held back from email gets an email offer', async () => {
    const sales = await createQueue(app, { name: 'Sales line', channel: 'voice', skills: ['fb'] });
    const backOffice = await createQueue(app, { name: 'Back office', channel: 'email', skills: ['fb'] });
    const agent = await createAgent(app, { name: 'Chloé Fontaine', skills: { fb: 5 }, capacity: { voice: 1, chat: 0, email: 2 } });
    const supervisor = await createAgent(app, { name: 'Nadia Lefèvre', role: 'supervisor' });
    const [page, board] = await Promise.all([open(agent.email), open(supervisor.email)]);
    await goAvailable(page);

    // Chloé works an email; then a call waits (an agent with email work is offered no call: not interruptible).
    const first = await createTask(app, { channel: 'email', queue: backOffice.name, attributes: { from: 'paul.girard@example.com', subject: 'Attestation de domicile' } });
    await accept(page, first.id);
    const call = await createTask(app, { channel: 'voice', queue: sales.name, attributes: { from: '+33 1 44 55 66 77' } });
    expect((await app.api.get(`/api/tasks/${call.id}`)).body.status).toBe('queued');
    // A second email arrives: Chloé has room for it, but a call waits (lull rule: at most 0), so it is held back.
    const held = await createTask(app, { channel: 'email', queue: backOffice.name, attributes: { from: 'm.lambert@example.com', subject: 'Devis signé — commande 7781' } });
    expect((await app.api.get(`/api/tasks/${held.id}`)).body.status).toBe('queued');
    expect(await page.locator('[data-testid=offer]').count()).toBe(0);

    // The wallboard shows why: calls first, email held.
    await board.locator('[data-testid=blending-state][data-lull=false]').waitFor();
    await board.locator(`tr[data-queue-id="${backOffice.id}"] [data-field=waiting]:text-is("1")`).waitFor();

    // The supervisor allows one waiting call in a lull: applied on change, the held email goes to Chloé.
    const input = board.getByLabel('Lull: at most N calls waiting');
    expect(await input.inputValue()).toBe('0');
    await input.fill('1');
    await input.press('Enter');
    await input.blur();
    await board.getByTestId('blending-panel').getByText('Applied.').waitFor();
    const offer = page.locator(`[data-testid=offer][data-task-id="${held.id}"]`);
    await offer.waitFor();
    expect(await text(offer)).toContain('Devis signé — commande 7781');
    await accept(page, held.id);
    await page.getByRole('tab', { name: /Devis signé/ }).waitFor();

    // The effect is on the wallboard: a lull, the email queue emptied; the call still waits.
    await board.locator('[data-testid=blending-state][data-lull=true]').waitFor();
    await board.locator(`tr[data-queue-id="${backOffice.id}"] [data-field=waiting]:text-is("0")`).waitFor();
    expect((await app.api.get('/api/blending')).body.lullMaxVoiceWaiting).toBe(1);
    expect((await app.api.get(`/api/tasks/${held.id}`)).body).toMatchObject({ status: 'assigned', agentId: agent.id });
    expect((await app.api.get(`/api/tasks/${call.id}`)).body.status).toBe('queued');
    expect((await app.api.post(`/api/tasks/${call.id}/cancel`)).status).toBe(200);
  });

  it('shows a wallboard whose numbers are those of GET /api/stats/realtime and GET /api/queues, live', async () => {
    const claims = await createQueue(app, { name: 'Claims', channel: 'email', skills: ['fc-nobody'] });
    const hotline = await createQueue(app, { name: 'Hotline', channel: 'voice', skills: ['fc-nobody'] });
    const chats = await createQueue(app, { name: 'Chat support', channel: 'chat', skills: ['fc'], wrapUpSeconds: 120 });
    for (let i = 0; i < 3; i += 1) await createTask(app, { channel: 'email', queue: claims.name, attributes: { subject: `Sinistre #${2040 + i}` } });
    await createTask(app, { channel: 'voice', queue: hotline.name, attributes: { from: '+33 1 40 00 00 01' } });

    // Agents in every state: one available (on screen), one in wrap-up after a chat, one away.
    const sarah = await createAgent(app, { name: 'Sarah Cohen', skills: { fc: 4 }, capacity: { voice: 0, chat: 1, email: 0 } });
    const tom = await createAgent(app, { name: 'Tom Leroy', skills: { fc: 4 }, capacity: { voice: 0, chat: 1, email: 0 } });
    const tomSocket = await availableAgent(app, tom);
    sockets.push(tomSocket);
    const done = await createTask(app, { channel: 'chat', queue: chats.name, attributes: { from: 'Hugo' } });
    const offer = await tomSocket.next('offer', (o) => o.task.id === done.id);
    await tomSocket.emit('offer:accept', { offerId: offer.offerId });
    expect(await tomSocket.emit('task:complete', { taskId: done.id, disposition: 'resolved' })).toMatchObject({ ok: true });
    const away = await createAgent(app, { name: 'Zoé Marchand', skills: { fc: 4 } });
    const awaySocket = await availableAgent(app, away);
    sockets.push(awaySocket);
    await awaySocket.emit('presence:set', { state: 'away', reason: 'lunch' });

    const supervisor = await createAgent(app, { name: 'Julien Roussel', role: 'supervisor' });
    const [agentPage, board] = await Promise.all([open(sarah.email), open(supervisor.email)]);
    await goAvailable(agentPage);
    await board.getByTestId('queues-table').waitFor();
    await eventually(() => wallboardMatchesApi(board, app.api), 8000);
    expect(await text(board.locator(`tr[data-queue-id="${claims.id}"] [data-field=waiting]`))).toBe('3');
    expect(await text(board.locator(`tr[data-queue-id="${chats.id}"] [data-field=handled]`))).toBe('1');
    expect(Number(await text(board.getByTestId('agents-wrapup').locator('.value')))).toBeGreaterThanOrEqual(1);

    // Live: a new email waits, an agent leaves for a break; the board follows without a reload.
    await createTask(app, { channel: 'email', queue: claims.name, attributes: { subject: 'Sinistre #2043' } });
    await agentPage.getByLabel('Reason').selectOption('break');
    await agentPage.getByRole('button', { name: 'Go away' }).click();
    await presence(agentPage, 'away', 'break');
    await board.locator(`tr[data-queue-id="${claims.id}"] [data-field=waiting]:text-is("4")`).waitFor();
    await eventually(() => wallboardMatchesApi(board, app.api), 8000);
    await board.getByTestId('blending-state').waitFor();
    await screenshot(board, 'supervisor-wallboard');
  });

  it('lets a supervisor sample handled tasks and score one, with the keyboard only', async () => {
    const queue = await createQueue(app, { name: 'Billing chat', channel: 'chat', skills: ['fd'], wrapUpSeconds: 0 });
    const agent = await createAgent(app, { name: 'Paul Girard', skills: { fd: 5 }, capacity: { voice: 0, chat: 1, email: 0 } });
    const socket = await availableAgent(app, agent);
    sockets.push(socket);
    const task = await createTask(app, { channel: 'chat', queue: queue.name, attributes: { from: 'Emma Blanc', subject: 'Question sur ma facture' } });
    const offer = await socket.next('offer', (o) => o.task.id === task.id);
    await socket.emit('offer:accept', { offerId: offer.offerId });
    expect(await socket.emit('task:complete', { taskId: task.id, disposition: 'resolved' })).toMatchObject({ ok: true });

    const supervisor = await createAgent(app, { name: 'Amélie Roche', role: 'supervisor' });
    const page = await open(supervisor.email);
    await page.getByRole('link', { name: 'Quality' }).click();
    const form = page.getByRole('form', { name: 'Draw a sample of handled tasks' });
    await form.getByLabel('Channel').selectOption('chat');
    await form.getByLabel('Agent').selectOption(agent.id);
    await form.getByLabel('How many').fill('3');
    await form.getByRole('button', { name: 'Draw a sample' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Sample drawn: 1 task(s).').waitFor();
    const row = page.locator(`[data-testid=quality-sample] tr[data-task-id="${task.id}"]`);
    expect(await text(row)).toContain('Question sur ma facture');
    expect(await text(row)).toContain('Paul Girard');
    expect(await text(row.locator('[data-field=score]'))).toBe('not reviewed');

    // Review: Enter on the row's button moves the focus into the form; Tab walks it; Enter on Save saves.
    const reviewButton = row.getByRole('button', { name: /Review/ });
    await reviewButton.focus();
    await page.keyboard.press('Enter');
    const score = page.getByLabel('Overall score (0–100)');
    await eventually(async () => ((await isFocused(score)) ? true : 'score not focused'));
    await page.keyboard.type('85');
    await page.keyboard.press('Tab');
    await page.keyboard.type('90');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Tab');
    await page.keyboard.type('80');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Clear and polite, solved at once.');
    await page.keyboard.press('Tab');
    await screenshot(page, 'quality-review');
    await page.keyboard.press('Enter');
    await page.getByText('Review saved.').waitFor();
    await row.locator('[data-field=score]', { hasText: /^85$/ }).waitFor();
    const again = row.getByRole('button', { name: /Review/ });
    expect(await text(again)).toBe('Review again');
    expect(await isFocused(again)).toBe(true);

    const reviews = (await app.api.get(`/api/quality/reviews?taskId=${task.id}`)).body;
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ score: 85, agentId: agent.id, criteria: { greeting: 90, resolution: 80 }, comment: 'Clear and polite, solved at once.' });
    await page.getByTestId('quality-samples').getByText('1/1 reviewed').waitFor();

    // Escape closes a review form and gives the focus back.
    await page.keyboard.press('Enter');
    await score.waitFor();
    await page.keyboard.press('Escape');
    await score.waitFor({ state: 'detached' });
    expect(await isFocused(again)).toBe(true);
  });
});
