import { ApiClient } from './support/api-client';
import { startAppProcess as startNode, stopAppProcess as stopNode } from './support/app-process';
import { SocketClient } from './support/agent-client';
import { createTestDatabase } from './support/database';
import { deleteRedisPrefix, freshRedisPrefix } from './support/redis';
import { ADMIN, TEST_REDIS_URL, sleep } from './support/test-app';

const AGENTS = 24;
const CHAT_CAPACITY = 2;
const TASKS = 80;


/**
 * Two app processes share one Redis and one Postgres; agents are spread over
 * both, tasks are posted to both at the same moment. Every task must be
 * offered at most once and no agent may ever hold more than its capacity.
 */
describe('two app processes on one Redis and one Postgres', () => {
  jest.setTimeout(120_000);

  it('never offers a task twice and never overruns an agent’s capacity', async () => {
    const database = await createTestDatabase();
    const prefix = freshRedisPrefix();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      ACD_REDIS_PREFIX: prefix,
      JWT_SECRET: 'multi-node-secret-0123456789',
      ACD_ADMIN_EMAIL: ADMIN.email,
      ACD_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    };
    const nodes = [await startNode(env, 'node1')];
    nodes.push(await startNode(env, 'node2'));
    const sockets: SocketClient[] = [];
    try {
      const token = (await new ApiClient(nodes[0].url).post('/api/auth/login', ADMIN)).body.accessToken;
      const apis = nodes.map((node) => new ApiClient(node.url, token));
      const queue = (await apis[0].post('/api/queues', { name: 'burst', channel: 'chat', skills: ['burst'] })).body;
      const agents: Array<{ id: string; socket: SocketClient }> = [];
      for (let i = 0; i < AGENTS; i++) {
        const email = `burst${i}@test.local`;
        const created = await apis[i % 2].post('/api/agents', {
          name: `Burst ${i}`,
          email,
          password: 'agent-password-1',
          skills: { burst: 1 + (i % 10) },
          capacity: { voice: 0, chat: CHAT_CAPACITY, email: 0 },
        });
        expect(created.status).toBe(201);
        const login = await new ApiClient(nodes[i % 2].url).post('/api/auth/login', { email, password: 'agent-password-1' });
        const socket = await SocketClient.connect(nodes[i % 2].url, '/agent', login.body.accessToken);
        sockets.push(socket);
        agents.push({ id: created.body.id, socket });
        // Every agent accepts whatever it is offered, at once.
        socket.socket.on('offer', (offer: { offerId: string }) => void socket.emit('offer:accept', { offerId: offer.offerId }));
      }
      // Tasks queue up first, then everybody goes available at once on both nodes, while more tasks arrive on both.
      const early = await Promise.all(
        Array.from({ length: TASKS / 2 }, (_, i) => apis[i % 2].post('/api/tasks', { channel: 'chat', queue: 'burst', externalId: `b-${i}` })),
      );
      const [late] = await Promise.all([
        Promise.all(
          Array.from({ length: TASKS / 2 }, (_, i) =>
            apis[(i + 1) % 2].post('/api/tasks', { channel: 'chat', queue: 'burst', externalId: `b-${TASKS / 2 + i}` }),
          ),
        ),
        Promise.all(agents.map((agent) => agent.socket.emit('presence:set', { state: 'available' }))),
      ]);
      for (const res of [...early, ...late]) expect(res.status).toBe(201);

      const capacity = AGENTS * CHAT_CAPACITY;
      const expected = Math.min(TASKS, capacity);
      const deadline = Date.now() + 20_000;
      let assigned: Array<{ id: string; agentId: string }> = [];
      while (Date.now() < deadline) {
        assigned = (await apis[0].get(`/api/tasks?status=assigned&queue=${queue.id}&limit=1000`)).body;
        if (assigned.length >= expected) break;
        await sleep(100);
      }
      await sleep(500); // let any wrong extra offer show up

      const offers = agents.flatMap((agent) => agent.socket.all<{ offerId: string; task: { id: string } }>('offer').map((o) => ({ ...o, agentId: agent.id })));
      const offeredTaskIds = offers.map((o) => o.task.id);
      expect(new Set(offeredTaskIds).size).toBe(offeredTaskIds.length); // no task offered twice
      expect(offers).toHaveLength(expected);
      for (const agent of agents) {
        expect(agent.socket.all('offer').length).toBeLessThanOrEqual(CHAT_CAPACITY);
      }
      expect(assigned).toHaveLength(expected);
      const views = (await apis[1].get('/api/agents')).body as Array<{ id: string; load: { chat: number }; capacity: { chat: number } }>;
      for (const view of views) expect(view.load.chat).toBeLessThanOrEqual(view.capacity.chat);
      const perAgent = new Map<string, number>();
      for (const task of assigned) perAgent.set(task.agentId, (perAgent.get(task.agentId) ?? 0) + 1);
      expect(Math.max(...perAgent.values())).toBeLessThanOrEqual(CHAT_CAPACITY);
      const queued = (await apis[1].get(`/api/tasks?status=queued&queue=${queue.id}&limit=1000`)).body;
      expect(queued).toHaveLength(TASKS - expected);
    } finally {
      sockets.forEach((socket) => socket.close());
      await Promise.all(nodes.map(stopNode));
      await database.drop();
      await deleteRedisPrefix(prefix);
    }
  });
});
