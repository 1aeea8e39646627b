import { Browser } from 'playwright-core';
import { SocketClient } from '../support/agent-client';
import { ApiClient } from '../support/api-client';
import { TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { TestApp, TestEnvironment, createAgent, createQueue, createTestEnvironment, startTestApp } from '../support/test-app';
import { acceptOffer, goAvailable, launchChromium, pageOpener } from './browser-support';

/**
 * An agent's browser loses the network in the middle of two chats. While it
 * is away, one visitor keeps writing and a supervisor cancels the other chat;
 * when the network is back the client reconnects by itself and its screen is
 * whole again: the lines sent meanwhile in the chat, the canceled chat marked
 * so, the tab the agent was on still the one shown.
 */
describe('agent client across a network drop (real browser)', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;
  const sockets: SocketClient[] = [];
  /** The browser's network: it reaches the app only through this relay, which can drop and refuse connections. */
  let network: TcpProxy;
  const pages = pageOpener(() => ({ browser, url: `http://${network.host}:${network.port}` }));

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    [app, browser] = await Promise.all([startTestApp(env), launchChromium()]);
    network = await startTcpProxy(Number(new URL(app.url).port));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await network?.stop();
    await pages.closeAll();
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  const visitorWrites = async (queue: string, name: string, text: string): Promise<SocketClient> => {
    const chat = await new ApiClient(app.url).post('/api/chat/sessions', { name, queue, language: 'en' });
    expect(chat.status).toBe(201);
    const visitor = await SocketClient.connect(app.url, '/chat', chat.body.token);
    sockets.push(visitor);
    await visitor.next('session');
    expect(await visitor.emit('message', { text })).toMatchObject({ ok: true, status: 'queued' });
    return visitor;
  };


  it('gets back the chat lines sent while offline and the chat canceled meanwhile, on the same tab', async () => {
    const queue = await createQueue(app, { name: 'Chat reconnect', channel: 'chat', skills: ['rc'], wrapUpSeconds: 0 });
    const agent = await createAgent(app, { name: 'Hugo Renard', skills: { rc: 5 }, capacity: { voice: 0, chat: 2, email: 0 } });
    const page = await pages.open(agent.email);
    await goAvailable(page);

    const writer = await visitorWrites(queue.name, 'Alice Writer', 'My parcel never came');
    const { id: writerTask } = await acceptOffer(page);
    await visitorWrites(queue.name, 'Bob Canceled', 'Please change my address');
    const { id: canceledTask } = await acceptOffer(page);
    // The agent goes back to the first chat and reads it, then to the second.
    await page.getByRole('tab', { name: /Alice Writer/ }).click();
    const writerPanel = page.locator(`[role=tabpanel][data-task-id="${writerTask}"]`);
    await writerPanel.getByText('My parcel never came').waitFor();
    expect(await writerPanel.locator('li.visitor .who').first().textContent()).toBe('Customer');
    const canceledTab = page.getByRole('tab', { name: /Bob Canceled/ });
    await canceledTab.click();

    // The network goes: every connection of the browser is dropped, and new ones are refused until it is back.
    await network.pause();
    network.cut();
    await page.locator('header [data-connection=offline]').waitFor();
    expect(await writer.emit('message', { text: 'Hello? I am still waiting' })).toMatchObject({ ok: true });
    expect((await app.api.post(`/api/tasks/${canceledTask}/cancel`, {})).status).toBe(200);

    await page.waitForTimeout(1500); // reconnection attempts fail meanwhile
    expect(await page.locator('header [data-connection=offline]').count()).toBe(1);
    await network.resume();
    await page.locator('header [data-connection=online]').waitFor({ timeout: 15000 });
    // The chat canceled meanwhile is shown canceled (read again: the replay did not list it), and it is
    // still the tab shown: the replay of the other chat did not pull the agent away.
    await page.locator(`[role=tabpanel][data-task-id="${canceledTask}"] [data-testid=task-status][data-status=canceled]`).waitFor();
    expect(await canceledTab.getAttribute('aria-selected')).toBe('true');
    // The line written during the drop is in the other chat.
    await page.getByRole('tab', { name: /Alice Writer/ }).click();
    await writerPanel.getByText('Hello? I am still waiting').waitFor();
    // And the agent answers on the live chat as before.
    await writerPanel.getByLabel('Write to the customer').fill('Sorry, I am here: checking your parcel now.');
    await writerPanel.getByRole('button', { name: 'Send' }).click();
    expect(await writer.next('message', (m) => m.author === 'agent')).toMatchObject({ text: 'Sorry, I am here: checking your parcel now.' });
  });
});
