import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, InsertEvent } from 'typeorm';
import { buildDataSourceOptions, runPendingMigrations } from '../src/database/data-source';
import { Client } from 'pg';
import { HOT_PATH_SETTINGS, NamedStatement, StatementPool } from '../src/database/statement-pool';
import { TaskEventEntity } from '../src/tasks/task-event.entity';
import { TaskHistoryService } from '../src/tasks/task-history.service';
import { CREATE_SURVEY } from '../src/surveys/surveys.service';
import { LIFECYCLE_STATEMENTS, NewTask, TaskLifecycleRepository } from '../src/tasks/task-lifecycle.repository';
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
    if (dataSource) await StatementPool.end(dataSource);
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

  /**
   * The plan a hot-path statement (the lifecycle's, the survey insert) keeps
   * once Postgres switches it to a generic plan (forced here), on a
   * connection with `settings` run first, with `tasks` analyzed while nearly empty: as
   * after the first tasks of a new install, before a bulk load. NULL for
   * every parameter: a generic plan does not look at them.
   */
  async function genericPlans(settings: string | null): Promise<Map<string, string>> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      if (settings) await client.query(settings);
      await client.query('ANALYZE tasks; ANALYZE offers; ANALYZE task_events; ANALYZE surveys');
      const plans = new Map<string, string>();
      for (const statement of [...LIFECYCLE_STATEMENTS, CREATE_SURVEY]) plans.set(statement.name, await genericPlan(client, statement));
      return plans;
    } finally {
      await client.end();
    }
  }

  async function genericPlan(client: Client, statement: NamedStatement): Promise<string> {
    const parameters = Math.max(...[...statement.text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await client.query(`PREPARE plan_check AS ${statement.text}`);
      const rows: Array<{ 'QUERY PLAN': string }> = (await client.query(`EXPLAIN EXECUTE plan_check(${Array(parameters).fill('NULL').join(', ')})`)).rows;
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
      await client.query('DEALLOCATE ALL');
    }
  }

  /** The scans of `tasks` and `offers` in a plan that are not a lookup by primary or unique key. */
  function offKeyScans(plan: string): string[] {
    return [...plan.matchAll(/(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: Backward)?(?: using (\S+))? on (tasks|offers)\b/g)]
      .filter((scan) => !/^("PK_|tasks_external_id_key)/.test(scan[2] ?? ''))
      .map((scan) => scan[0]);
  }

  it('caches plans that read tasks and offers by key only, whatever the table size when they were made', async () => {
    // The hazard, on a default connection: a generic plan made on a near-empty table scans it, and would go on
    // scanning it after a bulk load until autovacuum analyzes the table.
    const defaults = await genericPlans(null);
    expect([...defaults.values()].some((plan) => offKeyScans(plan).length > 0)).toBe(true);
    // On the hot-path settings, every statement reads its rows by key: no sequential scan, and no other index
    // (a status index would be walked entry by entry once 100 000 tasks are queued).
    const hotPath = await genericPlans(HOT_PATH_SETTINGS);
    expect(Object.fromEntries([...hotPath].map(([name, plan]) => [name, offKeyScans(plan)]))).toEqual(
      Object.fromEntries([...hotPath.keys()].map((name) => [name, []])),
    );
    // And the repository's statements do run on connections with those settings.
    const pool = StatementPool.for(dataSource);
    expect(await pool.rows({ name: 'test_enable_seqscan', text: 'SHOW enable_seqscan' }, [])).toEqual([{ enable_seqscan: 'off' }]);
    expect(await pool.rows({ name: 'test_jit', text: 'SHOW jit' }, [])).toEqual([{ jit: 'off' }]);
  });

  it('applies the hot-path settings even when DATABASE_URL carries its own startup options', async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c statement_timeout=7000');
    const other = { options: { url: url.toString() } } as unknown as DataSource;
    const pool = StatementPool.for(other);
    try {
      expect(await pool.rows({ name: 'test_settings', text: `SELECT current_setting('enable_seqscan') AS seqscan, current_setting('statement_timeout') AS timeout` }, [])).toEqual([
        { seqscan: 'off', timeout: '7s' },
      ]);
    } finally {
      await StatementPool.end(other);
    }
  });
});
