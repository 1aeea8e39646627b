import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATIONS_TABLE, runPendingMigrations } from '../src/database/data-source';
import { connectPg, EmbeddedPostgres, restoreNativeSymlinks } from '../src/database/embedded-postgres';
import { createTestDatabase, TestDatabase } from './support/database';

// Our own log lines are the interesting part; TypeORM debug and postgres' verbose chatter would drown them.
Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);

const TABLES = ['agents', 'offers', 'queues', 'task_events', 'tasks'];
const INDEXES = [
  'offers_agent_idx',
  'offers_task_idx',
  'task_events_at_idx',
  'task_events_task_idx',
  'tasks_agent_idx',
  'tasks_external_id_key',
  'tasks_status_idx',
];

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function indexDefinitions(dataSource: DataSource): Promise<Record<string, string>> {
  const rows: { indexname: string; indexdef: string }[] = await dataSource.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
  );
  return Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef]));
}

/**
 * SQL TypeORM would still run to make the database match the entities: empty
 * when the migrations are complete. TypeORM strips `::casts` from the defaults
 * it reads back, so a jsonb default written as `() => "'{}'::jsonb"` is always
 * re-proposed as `SET DEFAULT '{}'::jsonb` even when the column has exactly that
 * default; such statements are dropped here only after Postgres itself confirms
 * that the proposed default equals the current one (i.e. they would change nothing).
 */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  const pending: string[] = [];
  for (const { query } of sql.upQueries) {
    if (!(await isNoOpSetDefault(dataSource, query))) pending.push(query);
  }
  return pending;
}

async function isNoOpSetDefault(dataSource: DataSource, query: string): Promise<boolean> {
  const match = /^ALTER TABLE "(\w+)" ALTER COLUMN "(\w+)" SET DEFAULT (.+)$/.exec(query);
  if (!match) return false;
  const [, table, column, proposed] = match;
  const rows: { current: string | null }[] = await dataSource.query(
    `SELECT column_default AS current FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  const current = rows[0]?.current;
  if (!current) return false;
  // Both expressions are constants from our own entities and catalog: comparing their values is safe.
  const [{ same }]: { same: boolean }[] = await dataSource.query(`SELECT (${proposed})::text = (${current})::text AS same`);
  return same;
}

async function insertTask(dataSource: DataSource, externalId: string | null): Promise<void> {
  await dataSource.query(
    `INSERT INTO tasks (channel, queue_id, score, enqueued_at, external_id) VALUES ('voice', gen_random_uuid(), 0, now(), $1)`,
    [externalId],
  );
}

describe('database migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(database.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates every table and index of the entities, leaving no schema difference', async () => {
    const applied = await runPendingMigrations(dataSource);

    // Applied in timestamp order; `dataSource.migrations` keeps the file glob's order, so compare as sets.
    expect([...applied].sort()).toEqual(dataSource.migrations.map((migration) => migration.name).sort());
    expect(applied.length).toBeGreaterThan(0);
    expect(await tableNames(dataSource)).toEqual(expect.arrayContaining([...TABLES, MIGRATIONS_TABLE]));
    const indexes = await indexDefinitions(dataSource);
    expect(Object.keys(indexes)).toEqual(expect.arrayContaining(INDEXES));
    expect(indexes.tasks_external_id_key).toMatch(/^CREATE UNIQUE INDEX .* WHERE \(external_id IS NOT NULL\)$/);
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('makes external_id unique only when it is set', async () => {
    await insertTask(dataSource, null);
    await insertTask(dataSource, null);
    await insertTask(dataSource, 'call-1');

    await expect(insertTask(dataSource, 'call-1')).rejects.toThrow(/tasks_external_id_key/);
    const [{ count }]: { count: string }[] = await dataSource.query('SELECT count(*) AS count FROM tasks');
    expect(Number(count)).toBe(3);
  });

  it('applies nothing the second time (bookkeeping in the migrations table)', async () => {
    expect(await runPendingMigrations(dataSource)).toEqual([]);
    const [{ count }]: { count: string }[] = await dataSource.query(`SELECT count(*) AS count FROM ${MIGRATIONS_TABLE}`);
    expect(Number(count)).toBe(dataSource.migrations.length);
  });

  it('reverts every migration (down) and re-applies them (up)', async () => {
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });

    expect(await tableNames(dataSource)).toEqual([MIGRATIONS_TABLE]);
    expect(await indexDefinitions(dataSource)).not.toHaveProperty('tasks_status_idx');
    expect(await dataSource.query(`SELECT * FROM ${MIGRATIONS_TABLE}`)).toEqual([]);

    await runPendingMigrations(dataSource);
    expect(await tableNames(dataSource)).toEqual(expect.arrayContaining(TABLES));
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('applies each migration once when several nodes migrate at the same time', async () => {
    const shared = await createTestDatabase();
    const nodes = await Promise.all([1, 2, 3].map(() => new DataSource(buildDataSourceOptions(shared.url)).initialize()));
    try {
      const results = await Promise.all(nodes.map((node) => runPendingMigrations(node)));

      expect(results.flat().sort()).toEqual(nodes[0].migrations.map((migration) => migration.name).sort());
      expect(await tableNames(nodes[0])).toEqual(expect.arrayContaining(TABLES));
    } finally {
      await Promise.all(nodes.map((node) => node.destroy()));
      await shared.drop();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function selectOne(url: string): Promise<number> {
  const client = await connectPg(url, 2000);
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return Number(result.rows[0]?.one);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

describe('embedded PostgreSQL launcher', () => {
  const SLOW = 120_000; // initdb on a cold disk
  let dataDir: string;
  let port: number;
  const launchers: EmbeddedPostgres[] = [];
  const launcher = (): EmbeddedPostgres => {
    const created = new EmbeddedPostgres({ dataDir, port, database: 'acd' });
    launchers.push(created);
    return created;
  };

  beforeAll(async () => {
    // mkdtemp makes it 0700: as root, the launcher must let the `postgres` user traverse it.
    dataDir = await fs.mkdtemp(join(tmpdir(), 'acd-embedded-'));
    port = await freePort();
  });

  afterAll(async () => {
    for (const started of launchers) await started.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it(
    'initialises the cluster once, serves, stops, and restarts on the same cluster',
    async () => {
      const first = launcher();
      const url = await first.start();
      expect(url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/acd$`));
      expect(await selectOne(url)).toBe(1);
      const client = await connectPg(url);
      await client.query(`CREATE TABLE survives_restart (id int); INSERT INTO survives_restart VALUES (42)`);
      await client.end();

      await first.stop();
      await expect(selectOne(url)).rejects.toThrow();

      const second = launcher();
      expect(await second.start()).toBe(url);
      const again = await connectPg(url);
      const rows = await again.query('SELECT id FROM survives_restart');
      await again.end();
      expect(rows.rows).toEqual([{ id: 42 }]);
      await second.stop();
    },
    SLOW,
  );

  it(
    'recovers from killed runs: an orphaned server, a lock file naming an unrelated PID, a SIGKILLed server',
    async () => {
      const orphaned = launcher();
      await orphaned.start();
      const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
      const orphanPid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);

      const next = launcher();
      const url = await next.start();
      expect(isAlive(orphanPid)).toBe(false);
      expect(await selectOne(url)).toBe(1);
      await next.stop();

      // A killed run's lock file whose PID now belongs to something else (PID reuse).
      let unrelated: ChildProcess | null = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        await fs.writeFile(pidFile, `${unrelated.pid}\n${join(dataDir, 'postgres')}\n`);
        const afterCrash = launcher();
        expect(await selectOne(await afterCrash.start())).toBe(1);
        await afterCrash.stop();
      } finally {
        unrelated.kill();
        unrelated = null;
      }

      // The whole previous run killed hard: postmaster gone, lock file left, crash recovery on start.
      const killed = launcher();
      const killedUrl = await killed.start();
      const killedPid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
      process.kill(killedPid, 'SIGKILL');
      while (isAlive(killedPid)) await new Promise((resolve) => setTimeout(resolve, 50));
      const recovered = launcher();
      expect(await recovered.start()).toBe(killedUrl);
      expect(await selectOne(killedUrl)).toBe(1);
      await recovered.stop();
    },
    SLOW,
  );

  it('re-creates missing shared-library symlinks from native/pg-symlinks.json, idempotently', async () => {
    const packageDir = await fs.mkdtemp(join(tmpdir(), 'acd-pg-package-'));
    try {
      await fs.mkdir(join(packageDir, 'native', 'lib'), { recursive: true });
      await fs.writeFile(join(packageDir, 'native', 'lib', 'libpq.so.5.18'), 'library');
      await fs.writeFile(
        join(packageDir, 'native', 'pg-symlinks.json'),
        JSON.stringify([
          { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
          { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
        ]),
      );

      expect(await restoreNativeSymlinks(packageDir)).toBe(2);
      expect(await fs.readlink(join(packageDir, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
      expect(await fs.readFile(join(packageDir, 'native', 'lib', 'libpq.so'), 'utf8')).toBe('library');
      expect(await restoreNativeSymlinks(packageDir)).toBe(0);
    } finally {
      await fs.rm(packageDir, { recursive: true, force: true });
    }
  });
});
