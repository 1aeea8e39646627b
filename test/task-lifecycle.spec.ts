import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { buildDataSourceOptions, runPendingMigrations } from '../src/database/data-source';
import { TaskEventEntity } from '../src/tasks/task-event.entity';
import { TaskHistoryService } from '../src/tasks/task-history.service';
import { NewTask, TaskLifecycleRepository } from '../src/tasks/task-lifecycle.repository';
import { createTestDatabase, TestDatabase } from './support/database';

Logger.overrideLogger(['fatal', 'error', 'warn']);

/**
 * The offer path's transitions as one Postgres statement each (task change,
 * offer record and task event together), against a real, migrated database:
 * what is written, what is answered, and that the `task_events` subscribers
 * hear each event once, as after a TypeORM insert.
 */
describe('TaskLifecycleRepository (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: TaskLifecycleRepository;
  const heard: TaskEventEntity[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(buildDataSourceOptions(database.url));
    await dataSource.initialize();
    await runPendingMigrations(dataSource, new Logger('test'));
    const tap: EntitySubscriberInterface<TaskEventEntity> = {
      listenTo: () => TaskEventEntity,
      afterInsert: (event: InsertEvent<TaskEventEntity>) => void heard.push(event.entity),
    };
    dataSource.subscribers.push(tap);
    repository = new TaskLifecycleRepository(dataSource, new TaskHistoryService(dataSource.getRepository(TaskEventEntity), dataSource));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => {
    heard.length = 0;
  });

  const queueId = randomUUID();
  const newTask = (overrides: Partial<NewTask> = {}): NewTask => ({
    channel: 'chat',
    queueId,
    priority: 2,
    skills: ['fr'],
    preferredAgentId: null,
    preferredUntil: null,
    attributes: { topic: 'billing' },
    externalId: null,
    conversationId: null,
    score: 1_700_000_012_345.5,
    enqueuedAt: new Date('2026-11-23T10:00:00.000Z'),
    ...overrides,
  });

  async function events(taskId: string): Promise<Array<Pick<TaskEventEntity, 'type' | 'agentId' | 'data'>>> {
    const rows = await dataSource.getRepository(TaskEventEntity).find({ where: { taskId }, order: { id: 'ASC' } });
    return rows.map(({ type, agentId, data }) => ({ type, agentId, data }));
  }

  async function offerRow(offerId: string): Promise<{ outcome: string; reason: string | null; ended_at: Date | null } | undefined> {
    const rows = await dataSource.query(`SELECT outcome, reason, ended_at FROM offers WHERE id = $1`, [offerId]);
    return rows[0];
  }

  async function settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  it('walks a task through create, offer, accept and complete: one row change and one event each, in order', async () => {
    const agentId = randomUUID();
    const offerId = randomUUID();
    const created = await repository.create(newTask());
    expect(created).toMatchObject({ status: 'queued', queueId, priority: 2, skills: ['fr'], attributes: { topic: 'billing' }, score: 1_700_000_012_345.5 });
    expect(created?.id).toEqual(expect.any(String));
    expect(created?.createdAt).toBeInstanceOf(Date);
    const taskId = created!.id;

    const offered = await repository.offered({ offerId, taskId, agentId, channel: 'chat', createdAt: new Date(), expiresAt: new Date(Date.now() + 20_000) });
    expect(offered).toMatchObject({ id: taskId, status: 'offered', agentId });
    expect(await offerRow(offerId)).toMatchObject({ outcome: 'pending', ended_at: null });

    const at = new Date();
    const assigned = await repository.assigned(taskId, offerId, agentId, at);
    expect(assigned).toMatchObject({ status: 'assigned', agentId, assignedAt: at });
    expect(await offerRow(offerId)).toMatchObject({ outcome: 'accepted', ended_at: at });

    // Only the agent holding it completes it; the queue's wrap-up decides between wrapping and completed.
    expect(await repository.completed(taskId, randomUUID(), null, new Date(), {})).toBeNull();
    const completed = await repository.completed(taskId, agentId, 'solved', new Date(), { [queueId]: 30 });
    expect(completed).toMatchObject({ status: 'wrapping', disposition: 'solved' });
    expect(await repository.completed(taskId, agentId, 'again', new Date(), {})).toBeNull();

    expect(await events(taskId)).toEqual([
      { type: 'created', agentId: null, data: { priority: 2, externalId: null } },
      { type: 'offered', agentId, data: { offerId } },
      { type: 'assigned', agentId, data: { offerId } },
      { type: 'completed', agentId, data: { disposition: 'solved', wrapUpSeconds: 30 } },
    ]);
    await settle();
    expect(heard.map((event) => [event.type, event.taskId, event.queueId, event.channel])).toEqual(
      ['created', 'offered', 'assigned', 'completed'].map((type) => [type, taskId, queueId, 'chat']),
    );
  });

  it('creates once per externalId: a second create writes nothing and answers null', async () => {
    const externalId = `call-${randomUUID()}`;
    const first = await repository.create(newTask({ externalId }));
    expect(await repository.create(newTask({ externalId, priority: 9 }))).toBeNull();
    expect(await repository.findByExternalId(externalId)).toMatchObject({ id: first!.id, priority: 2 });
    expect(await events(first!.id)).toHaveLength(1);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM tasks WHERE external_id = $1`, [externalId]);
    expect(count).toBe(1);
  });

  it('puts an offered task back in the queue, closing the offer record with its outcome', async () => {
    const agentId = randomUUID();
    const offerId = randomUUID();
    const { id: taskId } = (await repository.create(newTask()))!;
    await repository.offered({ offerId, taskId, agentId, channel: 'chat', createdAt: new Date(), expiresAt: new Date() });
    const requeued = await repository.requeued({ offerId, taskId, agentId }, 'rejected', 'busy', 'offer_rejected', new Date());
    expect(requeued).toMatchObject({ status: 'queued', agentId: null });
    expect(await offerRow(offerId)).toMatchObject({ outcome: 'rejected', reason: 'busy' });
    expect((await events(taskId)).map((event) => event.type)).toEqual(['created', 'offered', 'offer_rejected']);
  });

  it('writes nothing for a task that does not exist', async () => {
    const ghost = randomUUID();
    const offerId = randomUUID();
    expect(await repository.offered({ offerId, taskId: ghost, agentId: randomUUID(), channel: 'chat', createdAt: new Date(), expiresAt: new Date() })).toBeNull();
    expect(await offerRow(offerId)).toBeUndefined();
    expect(await repository.assigned(ghost, offerId, randomUUID(), new Date())).toBeNull();
    expect(await events(ghost)).toEqual([]);
    await settle();
    expect(heard).toEqual([]);
  });

  it('still answers the task (unchanged) when an offer is written for a task that is no longer queued', async () => {
    const agentId = randomUUID();
    const { id: taskId } = (await repository.create(newTask()))!;
    await dataSource.query(`UPDATE tasks SET status = 'canceled' WHERE id = $1`, [taskId]);
    const task = await repository.offered({ offerId: randomUUID(), taskId, agentId, channel: 'chat', createdAt: new Date(), expiresAt: new Date() });
    expect(task).toMatchObject({ id: taskId, status: 'canceled', agentId: null });
  });
});
