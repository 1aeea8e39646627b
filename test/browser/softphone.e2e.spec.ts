import type { Namespace } from 'socket.io';
import { Browser } from 'playwright-core';
import { SocketEmitter } from '../../src/gateway/socket-emitter';
import { TestApp, TestEnvironment, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from '../support/test-app';
import { eventually, goAvailable, launchChromium, pageOpener, presence, text } from './browser-support';
import { wallboardMatchesApi } from './wallboard-check';

const HOSTILE_HTML = '<script>window.__pwned=1</script><p>Hello</p><img src="x" onerror="window.__pwned=2"><a href="javascript:window.__pwned=3">link</a>';

/**
 * The web client (client-softphone, built by `npm run build`) in headless
 * Chromium against the real app: real HTTP, real sockets, real Postgres. Each
 * scenario uses its own skill so it never sees another scenario's work.
 */
describe('web client in a real browser', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;

  const pages = pageOpener(() => ({ browser, url: app.url }));
  const open = (email: string) => pages.open(email);

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    [app, browser] = await Promise.all([startTestApp(env), launchChromium()]);
  });

  afterEach(async () => {
    await pages.closeAll();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('an agent takes a pushed email, sees it sanitized, survives a network drop, completes and wraps up', async () => {
    const queue = await createQueue(app, { name: 'Support FR', channel: 'email', skills: ['b1'], wrapUpSeconds: 60 });
    const agent = await createAgent(app, { name: 'Camille Martin', skills: { b1: 5 } });
    const page = await open(agent.email);
    await presence(page, 'offline');
    await goAvailable(page);

    const task = await createTask(app, {
      channel: 'email',
      queue: queue.name,
      priority: 5,
      attributes: { subject: 'Commande 4512 non reçue', from: 'claire.dubois@example.fr', html: HOSTILE_HTML, priorityReasons: ['keyword:urgent'] },
    });
    const offer = page.locator(`[data-testid=offer][data-task-id="${task.id}"]`);
    await offer.waitFor();
    const banner = await text(offer);
    expect(banner).toContain('Commande 4512 non reçue');
    expect(banner).toContain('claire.dubois@example.fr');
    expect(banner).toContain('Support FR');
    expect(banner).toContain('keyword:urgent');
    expect(banner).toMatch(/\d+s/);
    await offer.getByRole('button', { name: 'Accept' }).click();
    await offer.waitFor({ state: 'detached' });

    const tab = page.getByRole('tab', { name: /Commande 4512/ });
    await tab.waitFor();
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    const body = page.frameLocator('iframe[title="Message (sanitized)"]');
    await body.locator('p', { hasText: 'Hello' }).waitFor();
    expect(await body.locator('script').count()).toBe(0);
    expect(await body.locator('[onerror]').count()).toBe(0);
    expect(await body.locator('a').getAttribute('href')).toBeNull();
    for (const frame of page.frames()) expect(await frame.evaluate('typeof window.__pwned')).toBe('undefined');

    // A network drop: the server loses the engine.io connection; the client reconnects and keeps the task.
    const namespace = (app.app.get(SocketEmitter) as unknown as { agents: Namespace }).agents;
    for (const socket of namespace.sockets.values()) {
      if ((socket.data.user as { id?: string } | undefined)?.id === agent.id) socket.conn.close();
    }
    await page.locator('header [data-connection=offline]').waitFor();
    await page.locator('header [data-connection=online]').waitFor();
    await presence(page, 'available');
    await page.locator(`[role=tabpanel][data-task-id="${task.id}"] [data-testid=task-status][data-status=assigned]`).waitFor();

    await page.getByLabel('Disposition').selectOption('follow-up');
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.locator('[data-testid=task-status][data-status=wrapping]').waitFor();
    await presence(page, 'wrapup', 'after-task');
    await page.getByRole('button', { name: 'Ready' }).click();
    await presence(page, 'available');
    await page.getByTestId('workspace-empty').waitFor();

    const done = await app.api.get(`/api/tasks/${task.id}`);
    expect(done.body).toMatchObject({ status: 'completed', disposition: 'follow-up', agentId: agent.id });

    // The same screen in French.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('button', { name: 'Disponible' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('fr');
  });

  it('handles a chat and an email in parallel tabs, rejects a third offer with a reason, then takes an exclusive call', async () => {
    const chatQueue = await createQueue(app, { name: 'Web chat', channel: 'chat', skills: ['b2'] });
    const emailQueue = await createQueue(app, { name: 'Billing', channel: 'email', skills: ['b2'] });
    const voiceQueue = await createQueue(app, { name: 'Sales line', channel: 'voice', skills: ['b2'] });
    const agent = await createAgent(app, { name: 'Hugo Bernard', skills: { b2: 7 }, capacity: { voice: 1, chat: 2, email: 1 } });
    const page = await open(agent.email);
    await goAvailable(page);

    const chat = await createTask(app, { channel: 'chat', queue: chatQueue.name, attributes: { from: 'Léa Moreau', firstMessage: 'Bonjour, ma box ne fonctionne plus' } });
    const email = await createTask(app, {
      channel: 'email',
      queue: emailQueue.name,
      attributes: { subject: 'Facture de mars en double', from: 'paul.girard@example.com', html: '<p>Bonjour,</p><p>J’ai été <b>prélevé deux fois</b> pour la facture de mars.</p><p>Cordialement,<br>Paul Girard</p>', attachments: [{ filename: 'facture-mars.pdf', size: 48213 }] },
    });
    for (const id of [chat.id, email.id]) {
      const offer = page.locator(`[data-testid=offer][data-task-id="${id}"]`);
      await offer.getByRole('button', { name: 'Accept' }).click();
      await offer.waitFor({ state: 'detached' });
    }
    const chatTab = page.getByRole('tab', { name: /Léa Moreau/ });
    const emailTab = page.getByRole('tab', { name: /Facture de mars/ });
    await Promise.all([chatTab.waitFor(), emailTab.waitFor()]);
    expect(await page.getByRole('tab').count()).toBe(2);

    // Keyboard: arrows move between tabs; each panel keeps its content.
    await emailTab.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await chatTab.getAttribute('aria-selected')).toBe('true');
    await page.locator(`[role=tabpanel][data-task-id="${chat.id}"] [data-testid=chat-thread]`).getByText('Bonjour, ma box ne fonctionne plus').waitFor();
    await page.keyboard.press('ArrowRight');
    expect(await emailTab.getAttribute('aria-selected')).toBe('true');
    await page.frameLocator('iframe[title="Message (sanitized)"]').getByText('prélevé deux fois').waitFor();

    // A third task rings while both are open (chat capacity 2).
    const third = await createTask(app, { channel: 'chat', queue: chatQueue.name, priority: 10, attributes: { from: 'Nina Roux', subject: 'Changement d’adresse' } });
    const ringing = page.locator(`[data-testid=offer][data-task-id="${third.id}"]`);
    await ringing.waitFor();
    await ringing.getByRole('button', { name: 'Reject' }).click();
    await ringing.getByLabel('Reason for rejecting').selectOption('language');
    await ringing.getByRole('button', { name: 'Confirm reject' }).click();
    await ringing.waitFor({ state: 'detached' });

    // A call waits while the agent holds chat or email work (a call is exclusive), and rings once both are done.
    const call = await createTask(app, { channel: 'voice', queue: voiceQueue.name, attributes: { from: '+33 6 12 34 56 78' } });
    for (const [tab, id] of [[chatTab, chat.id], [emailTab, email.id]] as const) {
      await tab.click();
      const panel = page.locator(`[role=tabpanel][data-task-id="${id}"]`);
      await panel.getByRole('button', { name: 'Complete' }).click();
      await tab.waitFor({ state: 'detached' });
    }
    const callOffer = page.locator(`[data-testid=offer][data-task-id="${call.id}"]`);
    await callOffer.getByRole('button', { name: 'Accept' }).click();
    const callCard = page.locator(`[role=tabpanel][data-task-id="${call.id}"] [data-testid=call-card]`);
    await callCard.getByText('+33 6 12 34 56 78').waitFor();
    // A call made through the API (no telephony system behind it) is ended from the call card all the same.
    await callCard.getByRole('button', { name: 'End call' }).click();
    await page.getByTestId('workspace-empty').waitFor();
    expect((await app.api.get(`/api/tasks/${call.id}`)).body).toMatchObject({ status: 'completed', disposition: 'resolved' });
    expect((await app.api.get(`/api/tasks/${third.id}`)).body.agentId).not.toBe(agent.id);
  });

  it('shows a wallboard that matches the API, forces an agent state the agent sees, and moves a task', async () => {
    const mail = await createQueue(app, { name: 'Claims', channel: 'email', skills: ['b3-nobody'] });
    const overflow = await createQueue(app, { name: 'Claims overflow', channel: 'email', skills: ['b3-nobody'] });
    const hotline = await createQueue(app, { name: 'Hotline', channel: 'voice', skills: ['b3-nobody'] });
    const waiting = [];
    for (let i = 0; i < 3; i += 1) waiting.push(await createTask(app, { channel: 'email', queue: mail.name, attributes: { subject: `Sinistre #${1040 + i}` } }));
    await createTask(app, { channel: 'voice', queue: hotline.name, attributes: { from: '+33 1 44 55 66 77' } });

    const agent = await createAgent(app, { name: 'Sarah Cohen', skills: { b3: 4 } });
    const agentPage = await open(agent.email);
    await goAvailable(agentPage);
    const supervisor = await createAgent(app, { name: 'Nadia Lefèvre', role: 'supervisor' });
    const page = await open(supervisor.email);
    await page.getByRole('link', { name: 'Wallboard' }).waitFor();
    await page.getByTestId('queues-table').waitFor();

    const matchesApi = () => wallboardMatchesApi(page, app.api);
    await eventually(matchesApi);
    expect(await text(page.locator(`tr[data-queue-id="${mail.id}"] [data-field=waiting]`))).toBe('3');

    // Live: one more task, and the wallboard follows without a reload.
    waiting.push(await createTask(app, { channel: 'email', queue: mail.name, attributes: { subject: 'Sinistre #1043' } }));
    await page.locator(`tr[data-queue-id="${mail.id}"] [data-field=waiting]:text-is("4")`).waitFor();
    await eventually(matchesApi);

    // Force the agent away (break): the agent's own screen shows it.
    const row = page.locator(`tr[data-agent-id="${agent.id}"]`);
    await row.locator('[data-field=state][data-state=available]').waitFor();
    await row.getByLabel('Force the state of Sarah Cohen').selectOption('away:break');
    await row.getByRole('button', { name: 'Apply' }).click();
    await presence(agentPage, 'away', 'break');
    await row.locator('[data-field=state][data-state=away]').waitFor();

    // Move a waiting task to the overflow queue.
    const moved = waiting[0];
    const taskRow = page.locator(`[data-testid=tasks-table] tr[data-task-id="${moved.id}"]`);
    await taskRow.getByRole('combobox').selectOption(overflow.id);
    await taskRow.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Task moved to Claims overflow.').waitFor();
    expect((await app.api.get(`/api/tasks/${moved.id}`)).body.status).toBe('transferred');
    await page.locator(`tr[data-queue-id="${overflow.id}"] [data-field=waiting]:text-is("1")`).waitFor();
    await eventually(matchesApi);

    // Blending panel: bound to /api/blending, a change applied at once.
    const blending = await app.api.get('/api/blending');
    expect(blending.status).toBe(200);
    const input = page.getByLabel('Voice reserve (agents kept free)');
    await input.fill(String(Number(blending.body.voiceReserveAgents) + 1));
    await input.press('Enter');
    await input.blur();
    await page.getByTestId('blending-panel').getByText('Applied.').waitFor();
    expect((await app.api.get('/api/blending')).body.voiceReserveAgents).toBe(Number(blending.body.voiceReserveAgents) + 1);

    // Reports: the page loads the summary of the last seven days (this scenario's tasks are in it) and draws its charts.
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.locator('acd-reports canvas[data-chart=volume][data-rendered=true]').waitFor();
    await page.locator('acd-reports canvas[data-chart=response][data-rendered=true]').waitFor();
    const report = page.getByTestId('report');
    const summary = (await app.api.get(`/api/reports/summary?from=${await report.getAttribute('data-report-from')}&to=${await report.getAttribute('data-report-to')}`)).body;
    expect(summary.received).toBeGreaterThanOrEqual(5);
    expect(await page.locator('[data-testid=report-tile][data-field=received]').getAttribute('data-value')).toBe(String(summary.received));
    expect(await page.locator('acd-reports [role=alert]').count()).toBe(0);
  });
});
