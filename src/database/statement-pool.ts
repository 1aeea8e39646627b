import { Logger } from '@nestjs/common';
import { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** A statement run by name: Postgres parses it once per connection and may keep its plan. */
export interface NamedStatement {
  /** Unique across the app: pg refuses one name for two texts on a connection. */
  name: string;
  text: string;
}

/** Connections of this pool, beside TypeORM's own (default 10): the hot path's statements are short. */
const POOL_SIZE = 6;

/**
 * Postgres settings of these connections only (not of TypeORM's pool):
 * - `enable_seqscan=off`: a named statement's generic plan is made once, with
 *   the table size known at that moment. Planned on a near-empty `tasks`
 *   table it is a sequential scan, and it stays one after a bulk load until
 *   autovacuum analyzes the table (measured: 44 ms per task lifecycle instead
 *   of 3.5 ms after 100 000 rows arrived). The statements run here leave a
 *   key as their only indexable condition (the rest is written `(…) IS TRUE`,
 *   see task-lifecycle.repository.ts), so with sequential scans priced out
 *   the plan is a key lookup whatever the statistics said when it was made.
 * - `jit=off`: a priced-out scan makes a plan's cost huge, and JIT
 *   compilation is triggered by cost; these statements take microseconds.
 */
export const HOT_PATH_SETTINGS = 'SET enable_seqscan = off; SET jit = off';

const pools = new WeakMap<DataSource, StatementPool>();

/**
 * Named (prepared) statements for the hot path: the task lifecycle and the
 * survey of a completed task run several times per task, hundreds of tasks
 * per second. Sent by name, Postgres skips parsing and, after five runs,
 * planning them (measured on the lifecycle: Postgres CPU per task 2.4 ms
 * unnamed → 1.2 ms named). They run on their own connections because the
 * settings above suit key lookups, not the reports' scans on TypeORM's pool,
 * and so the hot path never waits for a connection behind a long report.
 *
 * The statements name the columns they return, so a migration that adds a
 * column does not disturb a running node's prepared plans (Postgres replans
 * them after DDL). One that changes the type of a returned column makes a
 * statement fail once per connection ("cached plan must not change result
 * type"): the pool drops a connection whose query failed, and the next one
 * prepares the statement again. Such a migration needs the nodes stopped.
 *
 * One pool per DataSource, opened on first use and closed with it
 * (`StatementPool.end`, called by the app's DataSource on destroy).
 */
export class StatementPool {
  private readonly logger = new Logger(StatementPool.name);
  private readonly pool: Pool;

  private constructor(url: string) {
    this.pool = new Pool({
      connectionString: url,
      max: POOL_SIZE,
      application_name: 'blended-acd-hot-path',
      // A pool nobody ended (a DataSource built by hand in a script) does not keep the process alive.
      allowExitOnIdle: true,
    });
    // Set on each new connection, before its first statement (pg runs a client's queries in order). Not as
    // startup `options`: an `options` parameter in DATABASE_URL would silently replace them.
    this.pool.on('connect', (client) => {
      client.query(HOT_PATH_SETTINGS).catch((error: Error) => this.logger.error(`hot-path settings not applied: ${error.message}`));
    });
    // An idle connection dropped by the server (restart, terminated backend) is replaced on next use.
    this.pool.on('error', (error) => this.logger.warn(`idle hot-path connection lost: ${error.message}`));
  }

  /** The pool of this DataSource's database (same URL), created on first use. */
  static for(dataSource: DataSource): StatementPool {
    let pool = pools.get(dataSource);
    if (!pool) {
      const url = (dataSource.options as PostgresConnectionOptions).url;
      if (!url) throw new Error('StatementPool: the DataSource has no url');
      pool = new StatementPool(url);
      pools.set(dataSource, pool);
    }
    return pool;
  }

  /** Closes this DataSource's pool, if it was ever opened. */
  static async end(dataSource: DataSource): Promise<void> {
    const pool = pools.get(dataSource);
    pools.delete(dataSource);
    await pool?.pool.end();
  }

  async rows<T extends QueryResultRow>(statement: NamedStatement, values: unknown[]): Promise<T[]> {
    const result = await this.pool.query<T>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }
}
