import { Browser } from 'playwright-core';
import { SocketClient } from '../support/agent-client';
import { ApiClient } from '../support/api-client';
import { TestApp, TestEnvironment, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from '../support/test-app';
import { acceptOffer, eventually, goAvailable, launchChromium, pageOpener, presence, text } from './browser-support';

/**
 * Wrap-up notes kept with the task and shown in the customer journey, a
 * supervisor changing capacities from the wallboard (an agent's own, and the
 * floor-wide caps of the blending panel), and an agent who lets an offer ring
 * out (RONA) — in headless Chromium against the real app. Each scenario has
 * its own skill; waits are on DOM states.
 */
describe('wrap-up notes, capacities and ring-out in a real browser', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;
  const sockets: SocketClient[] = [];

  const pages = pageOpener(() => ({ browser, url: app.url }));
  const open = (email: string) => pages.open(email);
  const accept = acceptOffer;

  /** A web chat from a known customer (by email), handed over to a person. */
  const chatFrom = async (queue: string, email: string) => {
    const created = await new ApiClient(app.url).post('/api/chat/sessions', { name: 'Claire Dubois', email, queue, language: 'en' });
    expect(created.status).toBe(201);
    const visitor = await SocketClient.connect(app.url, '/chat', created.body.token);
    sockets.push(visitor);
    await visitor.next('session');
    expect(await visitor.emit('handoff', {})).toMatchObject({ ok: true, status: 'queued' });
  };

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    [app, browser] = await Promise.all([startTestApp(env), launchChromium()]);
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await pages.closeAll();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('keeps the notes typed before Complete and edited in wrap-up, and shows them in the next contact’s journey', async () => {
    const queue = await createQueue(app, { name: 'Web chat (notes)', channel: 'chat', skills: ['wn'], wrapUpSeconds: 120 });
    const agent = await createAgent(app, { name: 'Inès Garnier', skills: { wn: 5 }, capacity: { voice: 0, chat: 2, email: 0 } });
    const page = await open(agent.email);
    await goAvailable(page);

    await chatFrom(queue.name, 'claire.notes@example.fr');
    const first = await accept(page);
    await first.panel.getByLabel('Disposition').selectOption('follow-up');
    const notes = first.panel.getByLabel('Notes (saved with the task)');
    await notes.fill('Box replaced; call back Monday');
    await first.panel.getByRole('button', { name: 'Complete' }).click();
    await first.panel.locator('[data-testid=task-status][data-status=wrapping]').waitFor();
    expect((await app.api.get(`/api/tasks/${first.id}`)).body).toMatchObject({ status: 'wrapping', disposition: 'follow-up', notes: 'Box replaced; call back Monday' });

    // Wrap-up: the notes stay editable and are saved as they change…
    expect(await notes.inputValue()).toBe('Box replaced; call back Monday');
    await notes.fill('Box replaced; call back Monday 10:00');
    await first.panel.locator('[data-testid=notes-state][data-state=saved]').waitFor();
    expect((await app.api.get(`/api/tasks/${first.id}`)).body.notes).toBe('Box replaced; call back Monday 10:00');
    // …and an edit made just before Ready is stored before the wrap-up (and the task) ends.
    await notes.fill('Box replaced; call back Monday 10:00 (asked for Léa)');
    await page.getByRole('button', { name: 'Ready' }).click();
    await presence(page, 'available');
    await page.getByTestId('workspace-empty').waitFor();
    expect((await app.api.get(`/api/tasks/${first.id}`)).body).toMatchObject({
      status: 'completed',
      disposition: 'follow-up',
      notes: 'Box replaced; call back Monday 10:00 (asked for Léa)',
    });

    // Claire writes again: her journey shows the earlier chat, its outcome and the notes.
    await chatFrom(queue.name, 'claire.notes@example.fr');
    const second = await accept(page);
    expect(second.id).not.toBe(first.id);
    const past = second.panel.locator('[data-testid=journey-contact]');
    await past.locator('[data-field=notes]').waitFor();
    expect(await past.count()).toBe(1);
    expect(await text(past.locator('[data-field=outcome]'))).toBe('Follow-up needed');
    expect(await text(past.locator('[data-field=notes]'))).toBe('Notes: Box replaced; call back Monday 10:00 (asked for Léa)');
    expect(await text(past.locator('[data-field=handled-by]'))).toContain('Inès Garnier');
  });

  it('lets a supervisor set the floor-wide caps and raise an agent’s chat capacity: the agent gets a second chat at once', async () => {
    const queue = await createQueue(app, { name: 'Web chat (capacity)', channel: 'chat', skills: ['wc'], wrapUpSeconds: 0 });
    const agent = await createAgent(app, { name: 'Hugo Bernard', skills: { wc: 5 }, capacity: { voice: 0, chat: 1, email: 0 } });
    const supervisor = await createAgent(app, { name: 'Nadia Lefèvre', role: 'supervisor' });
    const [page, board] = await Promise.all([open(agent.email), open(supervisor.email)]);
    await goAvailable(page);

    const one = await createTask(app, { channel: 'chat', queue: queue.name, attributes: { from: 'Léa Moreau' } });
    await accept(page, one.id);
    const two = await createTask(app, { channel: 'chat', queue: queue.name, attributes: { from: 'Paul Girard' } });
    expect((await app.api.get(`/api/tasks/${two.id}`)).body.status).toBe('queued');

    // The blending panel's floor-wide caps: set, then removed (empty), each applied as it changes.
    const panel = board.getByTestId('blending-panel');
    const chatCap = panel.getByLabel('Cap: chats per agent');
    await chatCap.fill('4');
    await chatCap.press('Tab');
    await eventually(async () => {
      const caps = (await app.api.get('/api/blending')).body.channelCapacity;
      return caps?.chat === 4 ? true : `caps ${JSON.stringify(caps)}`;
    });
    await panel.getByText('Applied.').waitFor();
    await chatCap.fill('');
    await chatCap.press('Tab');
    await eventually(async () => {
      const caps = (await app.api.get('/api/blending')).body.channelCapacity;
      return JSON.stringify(caps) === '{}' ? true : `caps ${JSON.stringify(caps)}`;
    });

    // The agent's own chat capacity, from 1 to 2 in the agent's row.
    const row = board.locator(`tr[data-agent-id="${agent.id}"]`);
    await row.locator('[data-field=load-chat]', { hasText: '1/1' }).waitFor();
    const capacity = row.getByLabel('Chat capacity of Hugo Bernard');
    expect(await capacity.inputValue()).toBe('1');
    await capacity.fill('2');
    await capacity.press('Tab');

    // The waiting chat rings at once on the agent's screen; taken, the agent holds two chats.
    await accept(page, two.id);
    expect(await page.getByRole('tab').count()).toBe(2);
    await page.locator('acd-presence-control .load .badge.chat', { hasText: 'Chat 2/2' }).waitFor();
    await row.locator('[data-field=load-chat]', { hasText: '2/2' }).waitFor();
    expect(await capacity.inputValue()).toBe('2');
    expect((await app.api.get(`/api/agents/${agent.id}`)).body).toMatchObject({ capacity: { chat: 2 }, load: { chat: 2 } });
  });

  it('shows an agent who let an offer ring out as away (no answer), and the task goes back to the queue', async () => {
    const queue = await createQueue(app, { name: 'Web chat (ring-out)', channel: 'chat', skills: ['wr'], offerTimeoutSeconds: 2 });
    const agent = await createAgent(app, { name: 'Sarah Cohen', skills: { wr: 5 } });
    const page = await open(agent.email);
    await goAvailable(page);

    const task = await createTask(app, { channel: 'chat', queue: queue.name, attributes: { from: 'Nina Roux' } });
    const offer = page.locator(`[data-testid=offer][data-task-id="${task.id}"]`);
    await offer.waitFor();
    // Nobody answers: after 2 s the offer is withdrawn and the presence control shows the server's "away (no answer)".
    await offer.waitFor({ state: 'detached' });
    await presence(page, 'away', 'no-answer');
    expect(await text(page.getByTestId('presence-state'))).toBe('Away — no answer');
    expect(await page.getByRole('button', { name: 'Go away' }).getAttribute('aria-pressed')).toBe('true');
    const back = (await app.api.get(`/api/tasks/${task.id}`)).body;
    expect(back.status).toBe('queued');
    expect((await app.api.get(`/api/agents/${agent.id}`)).body.presence).toMatchObject({ state: 'away', reason: 'no-answer' });
  });
});
