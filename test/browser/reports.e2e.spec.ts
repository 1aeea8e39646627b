import { readFile } from 'node:fs/promises';
import { Browser, Locator, Page } from 'playwright-core';
import { TelephonySimulator } from '../../bench/telephony-sim';
import { SocketClient } from '../support/agent-client';
import { TestApp, TestEnvironment, availableAgent, clearFloor, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from '../support/test-app';
import { eventually, launchChromium, pageOpener, screenshot, text } from './browser-support';

const SECRET = 'telephony-reports-secret-0123456789';

/** What the page shows for a number of seconds and a share (en-US), as i18n.ts formats them. */
const duration = (seconds: number | null): string => {
  if (seconds === null) return '—';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};
const percent = (value: number | null): string => (value === null ? '—' : new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 }).format(value / 100));

/**
 * The supervisor's reports page in headless Chromium against the real app:
 * a small known history made through the API, agent sockets and signed
 * telephony events (two emails and a call handled by Alice, a chat handled
 * by Bob, a call abandoned), then the page's tiles, tables and charts are
 * compared with `GET /api/reports/summary` for the very period the page
 * asked for, the channel filter and French are tried, and the CSV export is
 * downloaded and compared with the server's CSV.
 */
describe('reports page in a real browser', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;
  let sim: TelephonySimulator;
  const pages = pageOpener(() => ({ browser, url: app.url }));
  const sockets: SocketClient[] = [];
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  /** One task pushed to `agent`, accepted and completed. */
  const handle = async (socket: SocketClient, input: Record<string, unknown>) => {
    const task = await createTask(app, input);
    const offer = await socket.next('offer', (o) => o.task.id === task.id);
    expect(await socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    expect(await socket.emit('task:complete', { taskId: task.id })).toMatchObject({ ok: true });
    return task;
  };

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    [app, browser] = await Promise.all([startTestApp(env, { telephonySecret: SECRET }), launchChromium()]);
    sim = new TelephonySimulator(app.url, SECRET);
    const voice = await createQueue(app, { name: 'Sales line', channel: 'voice', skills: ['rp'], slaSeconds: 20 });
    const chat = await createQueue(app, { name: 'Web chat', channel: 'chat', skills: ['rp'], slaSeconds: 60 });
    const email = await createQueue(app, { name: 'Support mail', channel: 'email', skills: ['rp'], slaSeconds: 3600 });
    alice = await createAgent(app, { name: 'Alice Reports', skills: { rp: 5 } });
    bob = await createAgent(app, { name: 'Bob Reports', skills: { rp: 5 } });

    const aliceSocket = await availableAgent(app, alice);
    sockets.push(aliceSocket);
    await handle(aliceSocket, { channel: 'email', queue: email.name, attributes: { subject: 'Invoice' } });
    await handle(aliceSocket, { channel: 'email', queue: email.name, attributes: { subject: 'Delivery' } });
    await handle(aliceSocket, { channel: 'voice', queue: voice.name });
    await clearFloor(sockets);

    const bobSocket = await availableAgent(app, bob);
    sockets.push(bobSocket);
    await handle(bobSocket, { channel: 'chat', queue: chat.name });
    await clearFloor(sockets);

    // A call nobody is free to take, and the caller hangs up.
    const callId = `reports-abandoned-${Date.now()}`;
    expect((await sim.offer(callId, { from: '+33 1 00 00 00 01', queue: voice.name })).status).toBe(200);
    expect((await sim.abandon(callId)).status).toBe(200);
  });

  afterEach(async () => {
    await pages.closeAll();
  });

  afterAll(async () => {
    await clearFloor(sockets);
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  const openReports = async (): Promise<Page> => {
    const supervisor = await createAgent(app, { name: 'Sam Supervisor', role: 'supervisor' });
    const page = await pages.open(supervisor.email);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByTestId('report').waitFor();
    return page;
  };

  /** The summary the page shows (the period it asked for, from its own attributes), from the API. */
  const apiSummary = async (page: Page, channel?: string) => {
    const report = page.getByTestId('report');
    const from = await report.getAttribute('data-report-from');
    const to = await report.getAttribute('data-report-to');
    const query = `/api/reports/summary?from=${from}&to=${to}${channel ? `&channel=${channel}` : ''}`;
    const res = await app.api.get(query);
    expect(res.status).toBe(200);
    return { summary: res.body, query };
  };

  const tile = (page: Page, field: string): Locator => page.locator(`[data-testid=report-tile][data-field=${field}]`);

  /** Every tile shows the API's figure, formatted. */
  const tilesMatch = async (page: Page, summary: any): Promise<true | string> => {
    const expected: Record<string, [number | null, string]> = {
      received: [summary.received, String(summary.received)],
      handled: [summary.handled, String(summary.handled)],
      abandoned: [summary.abandoned, String(summary.abandoned)],
      sla: [summary.slaMetPercent, percent(summary.slaMetPercent)],
      answer: [summary.firstResponse.averageSeconds, duration(summary.firstResponse.averageSeconds)],
    };
    for (const [field, [value, shown]] of Object.entries(expected)) {
      const value_ = await tile(page, field).getAttribute('data-value');
      const shown_ = await text(tile(page, field).locator('.value'));
      if (value_ !== (value === null ? '' : String(value)) || shown_ !== shown) return `tile ${field}: ${value_}/${shown_}, API ${value}/${shown}`;
    }
    return true;
  };

  it('shows tiles, tables and charts equal to the summary API, filters by channel, speaks French and exports the CSV', async () => {
    const page = await openReports();
    const { summary, query } = await apiSummary(page);
    // The known history: 2 emails + 1 call by Alice, 1 chat by Bob, 1 abandoned call.
    expect(summary).toMatchObject({ received: 5, handled: 4, abandoned: 1, firstResponse: { answered: 4 } });
    await eventually(() => tilesMatch(page, summary));

    // Per-agent table = the API's agents.
    const agentRows = page.locator('[data-testid=agents-table] tbody tr');
    expect(await agentRows.count()).toBe(summary.agents.length);
    expect(summary.agents.map((a: any) => [a.agentId, a.handled]).sort()).toEqual([[alice.id, 3], [bob.id, 1]].sort());
    for (const agent of summary.agents) {
      const row = page.locator(`[data-testid=agents-table] tr[data-agent-id="${agent.agentId}"]`);
      expect(await text(row.locator('[data-field=name]'))).toBe(agent.name);
      expect(await text(row.locator('[data-field=handled]'))).toBe(String(agent.handled));
      expect(await text(row.locator('[data-field=aht]'))).toBe(duration(agent.averageHandleSeconds));
    }

    // SLA per channel and per queue = the API's.
    for (const row of summary.perChannel) {
      const tr = page.locator(`[data-testid=sla-channels] tr[data-channel=${row.channel}]`);
      expect(await text(tr.locator('[data-field=received]'))).toBe(String(row.received));
      expect(await text(tr.locator('[data-field=answered]'))).toBe(String(row.answered));
      expect(await text(tr.locator('[data-field=sla]'))).toBe(percent(row.slaMetPercent));
    }
    expect(summary.perQueue.map((q: any) => q.name)).toEqual(['Sales line', 'Support mail', 'Web chat']);
    for (const row of summary.perQueue) {
      const tr = page.locator(`[data-testid=sla-queues] tr[data-queue-id="${row.queueId}"]`);
      expect(await text(tr.locator('th'))).toContain(row.name);
      expect(await text(tr.locator('[data-field=received]'))).toBe(String(row.received));
      expect(await text(tr.locator('[data-field=sla]'))).toBe(percent(row.slaMetPercent));
    }

    // Both charts drawn, with the API's data: every contact received in the hour chart, every first answer in the distribution.
    const volume = page.locator('canvas[data-chart=volume][data-rendered=true]');
    const response = page.locator('canvas[data-chart=response][data-rendered=true]');
    await Promise.all([volume.waitFor(), response.waitFor()]);
    const receivedPerHour = summary.perHourByChannel.reduce((sum: number, h: any) => sum + h.received.voice + h.received.chat + h.received.email, 0);
    expect(receivedPerHour).toBe(5);
    expect(await volume.getAttribute('data-total')).toBe(String(receivedPerHour));
    expect(await volume.getAttribute('data-series')).toBe('3');
    expect(await response.getAttribute('data-total')).toBe(String(summary.firstResponse.answered));
    expect(await response.getAttribute('data-labels')).toBe(String(summary.responseTimeDistribution.length));
    expect(await volume.getAttribute('aria-label')).toMatch(/^Contacts received by hour and channel\. 5 contacts received/);
    for (const canvas of [volume, response]) {
      const painted = await canvas.evaluate((el) => {
        type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const c = el as unknown as Canvas;
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count += 1;
        return count;
      });
      expect(painted).toBeGreaterThan(500);
    }
    // The distribution's table (the charts' text alternative) has the API's buckets.
    const firstBucket = summary.responseTimeDistribution[0];
    expect(await text(page.locator(`[data-testid=response-table] tr[data-bucket="${firstBucket.bucket}"] td`).last())).toBe(String(firstBucket.count));
    await screenshot(page, 'reports');

    // CSV export: the downloaded file is the server's CSV for the same period.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^acd-report-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('section,key,metric,value');
    expect(lines).toEqual(expect.arrayContaining([`agent,Alice Reports (${alice.id}),handled,3`, `agent,Bob Reports (${bob.id}),handled,1`, 'summary,,received,5']));
    expect(csv).toBe((await app.api.get(query, { accept: 'text/csv' })).body);
    await page.getByText('CSV downloaded.').waitFor();

    // Channel filter: email only.
    await page.locator('acd-reports select[name=channel]').selectOption('email');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await eventually(async () => ((await tile(page, 'received').getAttribute('data-value')) === '2' ? true : 'still the unfiltered report'));
    const { summary: emailOnly } = await apiSummary(page, 'email');
    expect(emailOnly).toMatchObject({ channel: 'email', received: 2, handled: 2, abandoned: 0 });
    await eventually(() => tilesMatch(page, emailOnly));
    expect(await page.locator('[data-testid=sla-channels] tbody tr').count()).toBe(1);
    await page.locator('canvas[data-chart=volume][data-series="1"][data-total="2"]').waitFor();

    // French: labels from the French dictionary, figures unchanged; the charts redrawn in French.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Rapports' }).waitFor();
    expect(await text(tile(page, 'sla').locator('.label'))).toBe('SLA respecté');
    expect(await text(tile(page, 'answer').locator('.label'))).toBe('Délai moyen de réponse');
    await page.getByRole('button', { name: 'Exporter en CSV' }).waitFor();
    await eventually(async () => ((await page.locator('canvas[data-chart=volume]').getAttribute('aria-label'))?.startsWith('Contacts reçus par heure et par canal') ? true : 'chart label not French'));
    expect(await tile(page, 'received').getAttribute('data-value')).toBe('2');
    expect(await page.locator('acd-reports [role=alert]').count()).toBe(0);
  });

  it('is keyboard-usable: the filters, the report and the table toggles are reached and worked with the keyboard', async () => {
    const page = await openReports();
    const { summary } = await apiSummary(page);
    await eventually(() => tilesMatch(page, summary));
    // Choose the voice channel and submit with the keyboard only.
    await page.locator('acd-reports select[name=channel]').focus();
    await page.keyboard.press('ArrowDown'); // voice (the first channel after "All")
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Show"
    await eventually(async () => ((await page.locator('form').getAttribute('data-channel')) === 'voice' && (await tile(page, 'abandoned').getAttribute('data-value')) === '1' && (await tile(page, 'received').getAttribute('data-value')) === '2' ? true : 'not the voice report'));
    // Open the hour chart's table with the keyboard.
    const toggle = page.locator('details').first().locator('summary');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('volume-table').waitFor({ state: 'visible' });
    expect(await page.locator('[data-testid=volume-table] thead th').count()).toBe(3); // hour, voice, total
  });
});
