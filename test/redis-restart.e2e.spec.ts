import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createClient } from 'redis';
import { SocketClient } from './support/agent-client';
import { freePort } from './support/net';
import { availableAgent, createAgent, createQueue, createTask, createTestEnvironment, sleep, startTestApp } from './support/test-app';


/** A private Redis without persistence: killing it loses every key, as a real restart would. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', () => undefined); // refused while the server starts
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      await client.quit();
      return child;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('redis-server did not start');
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/**
 * Fault: Redis restarts empty while the app runs. The app notices the
 * reconnection, finds the live state gone, and rebuilds it from Postgres:
 * queued tasks are routed again in order, assignments keep their load.
 */
describe('Redis restart while the app runs', () => {
  jest.setTimeout(60_000);

  it('loses no task: the live state is rebuilt from Postgres when Redis comes back empty', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const env = await createTestEnvironment('memory');
    env.redisUrl = `redis://127.0.0.1:${port}`;
    const app = await startTestApp(env, { disconnectGraceMs: 30_000 });
    const sockets: SocketClient[] = [];
    try {
      const queue = await createQueue(app, { channel: 'chat', skills: ['restart'] });
      const worker = await createAgent(app, { skills: { restart: 5 }, capacity: { chat: 1 } });
      const workerSocket = await availableAgent(app, worker);
      sockets.push(workerSocket);
      const tasks: Array<{ id: string }> = [];
      for (let i = 0; i < 4; i++) tasks.push(await createTask(app, { channel: 'chat', queue: queue.id }));
      const first = await workerSocket.next('offer');
      expect((await workerSocket.emit('offer:accept', { offerId: first.offerId })).ok).toBe(true);

      await stopRedis(redis);
      redis = await startRedis(port);

      // The rebuild restores the worker's load and the three queued tasks; a new agent gets them in order.
      const fresh = await createAgent(app, { skills: { restart: 5 }, capacity: { chat: 1 } }).catch(async () => {
        await sleep(1000); // the API may answer 500 while Redis is reconnecting
        return createAgent(app, { skills: { restart: 5 }, capacity: { chat: 1 } });
      });
      const deadline = Date.now() + 10_000;
      let worker1 = (await app.api.get(`/api/agents/${worker.id}`)).body;
      while (worker1.load?.chat !== 1 && Date.now() < deadline) {
        await sleep(100);
        worker1 = (await app.api.get(`/api/agents/${worker.id}`)).body;
      }
      expect(worker1.load.chat).toBe(1);
      const freshSocket = await availableAgent(app, fresh);
      sockets.push(freshSocket);
      const order: string[] = [];
      // One at a time (capacity 1), so each offer is the single next decision and the order is the queue's.
      for (let i = 0; i < 3; i++) {
        const offer = await freshSocket.next('offer', () => true, 10_000);
        order.push(offer.task.id);
        expect((await freshSocket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
        if (i < 2) expect((await freshSocket.emit('task:complete', { taskId: offer.task.id })).ok).toBe(true);
      }
      expect(order).toEqual([tasks[1].id, tasks[2].id, tasks[3].id]);
      expect((await app.api.get(`/api/tasks/${tasks[0].id}`)).body).toMatchObject({ status: 'assigned', agentId: worker.id });
    } finally {
      sockets.forEach((socket) => socket.close());
      await app.close();
      await stopRedis(redis);
      await env.dispose();
    }
  });
});
