import { SocketClient } from './support/agent-client';
import {
  StoreKind,
  availableAgent,
  createAgent,
  createQueue,
  createTask,
  createTestEnvironment,
  sleep,
  startTestApp,
} from './support/test-app';

/** Polls a condition that the system reaches on its own (used only to wait, never to assert timing). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

/**
 * Restart recovery: the app is stopped with work queued, assigned and
 * ringing, then started again on the same Postgres (and, for Redis, the same
 * Redis data). Queued tasks come back in the same order, assigned tasks stay
 * with their agents, offers that rang out are re-queued. Nothing is lost.
 */
describe.each<StoreKind>(['memory', 'redis'])('restart recovery (%s store)', (store) => {
  it('restores queue order, assignments and ringing offers after a restart', async () => {
    const env = await createTestEnvironment(store);
    const settings = { disconnectGraceMs: 10_000 };
    let app = await startTestApp(env, settings);
    const sockets: SocketClient[] = [];
    try {
      const queue = await createQueue(app, { channel: 'chat', skills: ['recovery'], offerTimeoutSeconds: 2 });
      const tasks: Array<{ id: string }> = [];
      for (let i = 0; i < 5; i++) tasks.push(await createTask(app, { channel: 'chat', queue: queue.id, attributes: { n: i } }));
      const worker = await createAgent(app, { skills: { recovery: 5 }, capacity: { chat: 1 } });
      const workerSocket = await availableAgent(app, worker);
      sockets.push(workerSocket);
      const assigned = await workerSocket.next('offer');
      expect(assigned.task.id).toBe(tasks[0].id);
      expect((await workerSocket.emit('offer:accept', { offerId: assigned.offerId })).ok).toBe(true);
      const ringer = await createAgent(app, { skills: { recovery: 5 }, capacity: { chat: 1 } });
      const ringerSocket = await availableAgent(app, ringer);
      sockets.push(ringerSocket);
      const ringing = await ringerSocket.next('offer');
      expect(ringing.task.id).toBe(tasks[1].id);

      sockets.splice(0).forEach((socket) => socket.close());
      await app.close();
      // Down for longer than the offer's ring time.
      await sleep(2500);
      // Agents that do not come back within the grace period go offline and give their offers back.
      app = await startTestApp(env, { disconnectGraceMs: 500 });

      // The assignment survived: still the worker's, still counted in its load, shown again on reconnect.
      expect((await app.api.get(`/api/tasks/${tasks[0].id}`)).body).toMatchObject({ status: 'assigned', agentId: worker.id });
      expect((await app.api.get(`/api/agents/${worker.id}`)).body.load.chat).toBe(1);
      const workerAgain = await SocketClient.connect(app.url, '/agent', worker.token);
      sockets.push(workerAgain);
      expect((await workerAgain.next('task:assigned')).task.id).toBe(tasks[0].id);

      // The offer that was ringing is back in the queue, at its old place.
      const ringingTask = await eventually(
        () => app.api.get(`/api/tasks/${tasks[1].id}`),
        (res) => res.body.status === 'queued',
      );
      expect(ringingTask.body.status).toBe('queued');

      // A fresh agent receives the queued work in the original order.
      // One at a time (capacity 1), so each offer is the single next decision and the order is the queue's.
      const fresh = await createAgent(app, { skills: { recovery: 5 }, capacity: { chat: 1 } });
      const freshSocket = await availableAgent(app, fresh);
      sockets.push(freshSocket);
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const offer = await freshSocket.next('offer');
        order.push(offer.task.id);
        expect((await freshSocket.emit('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
        if (i < 2) expect((await freshSocket.emit('task:complete', { taskId: offer.task.id })).ok).toBe(true);
      }
      expect(order).toEqual([tasks[1].id, tasks[2].id, tasks[3].id]);
      // And nothing was lost: the fifth still waits.
      expect((await app.api.get(`/api/tasks/${tasks[4].id}`)).body.status).toBe('queued');
      const all = await app.api.get(`/api/tasks?queue=${queue.id}`);
      expect(all.body).toHaveLength(5);
    } finally {
      sockets.forEach((socket) => socket.close());
      await app.close();
      await env.dispose();
    }
  });
});
