import { promises as fs } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketClient } from './support/agent-client';
import { ApiClient } from './support/api-client';
import { AppProcess, startAppProcess, stopAppProcess } from './support/app-process';
import { freePort } from './support/net';
import { ADMIN } from './support/test-app';

/** Does anything accept TCP connections on 127.0.0.1:port? */
const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * `npm start` with no configuration: the built product with neither
 * DATABASE_URL nor REDIS_URL in its environment (not even inherited from this
 * test run) starts its embedded PostgreSQL and the in-process state store,
 * and serves the API, the agent sockets and the web client. Stopped and
 * started again on the same data directory, it finds its data: the queued
 * task is offered, the assigned one is still its agent's.
 */
describe('npm start on the embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  jest.setTimeout(180_000);
  let dataDir: string;
  let pgPort: number;
  let app: AppProcess | null = null;
  const sockets: SocketClient[] = [];

  const start = async (label: string): Promise<AppProcess> => {
    app = await startAppProcess(
      {
        ACD_DATA_DIR: dataDir,
        ACD_EMBEDDED_PG_PORT: String(pgPort),
        ACD_ADMIN_EMAIL: ADMIN.email,
        ACD_ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'log',
      },
      label,
      { readyTimeoutMs: 120_000, inherit: false },
    );
    return app;
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(join(tmpdir(), 'acd-npm-start-'));
    pgPort = await freePort();
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    if (app) await stopAppProcess(app);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('serves API, sockets and client on an embedded PostgreSQL, and keeps its tasks across a restart', async () => {
    const first = await start('first');
    const log = first.output.join('');
    expect(log).toContain('DATABASE_URL is not set: using an embedded PostgreSQL');
    expect(await listening(pgPort)).toBe(true);

    // The web client and the API docs are served.
    const page = await fetch(`${first.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script[^>]+type="module"/);
    expect((await fetch(`${first.url}/api/docs`)).status).toBe(200);

    const login = await new ApiClient(first.url).post('/api/auth/login', ADMIN);
    expect(login.status).toBe(200);
    const api = new ApiClient(first.url, login.body.accessToken);
    const chat = (await api.post('/api/queues', { name: 'embedded-chat', channel: 'chat', skills: ['emb'] })).body;
    const waiting = (await api.post('/api/queues', { name: 'embedded-backlog', channel: 'email', skills: ['later'] })).body;
    const agentBody = { name: 'Embedded Agent', password: 'agent-password-1', skills: { emb: 5, later: 5 }, capacity: { voice: 0, chat: 1, email: 0 } };
    const agent = (await api.post('/api/agents', { ...agentBody, email: 'embedded@test.local' })).body;
    const agentToken = (await new ApiClient(first.url).post('/api/auth/login', { email: 'embedded@test.local', password: 'agent-password-1' })).body.accessToken;

    // The agent socket works: a chat task is pushed, accepted.
    const socket = await SocketClient.connect(first.url, '/agent', agentToken);
    sockets.push(socket);
    expect(await socket.emit('presence:set', { state: 'available' })).toMatchObject({ ok: true });
    const assigned = (await api.post('/api/tasks', { channel: 'chat', queue: chat.name })).body;
    const offer = await socket.next('offer');
    expect(offer.task.id).toBe(assigned.id);
    expect(await socket.emit('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true, task: { status: 'assigned' } });
    // An email nobody can take yet (the agent has no email capacity): it stays queued.
    const queued = (await api.post('/api/tasks', { channel: 'email', queue: waiting.name })).body;
    expect(queued.status).toBe('queued');
    socket.close();

    // Stopped cleanly: the embedded PostgreSQL goes with it.
    expect(await stopAppProcess(first)).toBe('SIGTERM');
    app = null;
    expect(await listening(pgPort)).toBe(false);

    // Started again on the same data directory: same admin, same tasks, same live state.
    const second = await start('second');
    const api2 = new ApiClient(second.url, (await new ApiClient(second.url).post('/api/auth/login', ADMIN)).body.accessToken);
    expect((await api2.get(`/api/tasks/${assigned.id}`)).body).toMatchObject({ status: 'assigned', agentId: agent.id });
    expect((await api2.get(`/api/tasks/${queued.id}`)).body).toMatchObject({ status: 'queued' });
    // Given email capacity, the agent is offered the task that waited through the restart.
    expect((await api2.patch(`/api/agents/${agent.id}`, { capacity: { voice: 0, chat: 1, email: 1 } })).status).toBe(200);
    const again = await SocketClient.connect(second.url, '/agent', agentToken);
    sockets.push(again);
    expect(await again.emit('presence:set', { state: 'available' })).toMatchObject({ ok: true });
    expect((await again.next('offer')).task.id).toBe(queued.id);
    expect(second.output.join('')).not.toMatch(/\bERROR\b/);
  });
});
