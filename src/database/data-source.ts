import { Logger } from '@nestjs/common';
import { extname, join } from 'path';
import { DataSource, DataSourceOptions, Logger as TypeOrmLoggerContract } from 'typeorm';
import { ENTITIES } from './entities';

/**
 * Migration files next to this module: `.ts` under ts-jest, `.js` once compiled
 * to dist/ (matching only our own extension keeps `.d.ts`/`.js.map` out).
 */
const MIGRATIONS_GLOB = join(__dirname, 'migrations', `*${extname(__filename)}`);

/** Name of TypeORM's bookkeeping table (one row per applied migration). */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * Key of the Postgres advisory lock held while migrating, so that several app
 * nodes booting together apply each migration exactly once.
 */
const MIGRATION_LOCK_KEY = 7_236_195_000_001;

/** Queries slower than this are logged as warnings. */
const SLOW_QUERY_MS = 1000;

/** The one place the Postgres connection and schema source are described (app, CLI and tests). */
export function buildDataSourceOptions(url: string, logger: TypeOrmLoggerContract = new TypeOrmNestLogger()): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    applicationName: 'blended-acd',
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: MIGRATIONS_TABLE,
    // Each migration commits on its own: a failure leaves the earlier ones applied and recorded.
    migrationsTransactionMode: 'each',
    // Migrations are run explicitly (runPendingMigrations), under a lock, never implicitly.
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into Postgres >= 13; the schema (extensions included) is owned by migrations.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    maxQueryExecutionTime: SLOW_QUERY_MS,
    logger,
  };
}

/** A migration failed: retrying the connection will not fix it. */
export class MigrationFailedError extends Error {
  constructor(cause: unknown) {
    super(`Database migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

/**
 * Applies pending migrations (logging each one) while holding a Postgres
 * advisory lock, so concurrent nodes wait instead of racing. Returns the names
 * of the migrations applied by this call.
 */
export async function runPendingMigrations(dataSource: DataSource, logger = new Logger('Migrations')): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
      logger.log(
        applied.length > 0
          ? `Schema migrated (${applied.length} migration(s) applied)`
          : `Schema up to date (${dataSource.migrations.length} migration(s) known, none pending)`,
      );
      return applied.map((migration) => migration.name);
    } catch (err) {
      throw new MigrationFailedError(err);
    } finally {
      // Unlock before releasing: the connection goes back to the pool and would keep the lock.
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}

/** Forwards TypeORM's log calls to Nest's logger, at levels that keep normal operation quiet. */
export class TypeOrmNestLogger implements TypeOrmLoggerContract {
  private readonly logger = new Logger('TypeORM');

  logQuery(query: string, parameters?: unknown[]): void {
    // Every query passes here: format it only when verbose logging is on.
    if (Logger.isLevelEnabled('verbose')) this.logger.verbose(formatQuery(query, parameters));
  }

  /** Debug, not error: expected failures (unique violations behind idempotent inserts) land here too. */
  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const message = error instanceof Error ? error.message : error;
    this.logger.debug(`Query failed: ${message} -- ${formatQuery(query, parameters)}`);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    this.logger.warn(`Slow query (${time} ms): ${formatQuery(query, parameters)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.debug(text);
  }
}

function formatQuery(query: string, parameters?: unknown[]): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return parameters && parameters.length > 0 ? `${oneLine} -- ${JSON.stringify(parameters)}` : oneLine;
}

/**
 * For the TypeORM CLI only (`typeorm migration:generate -d <this file>`); the
 * app builds its data source in DatabaseModule from the validated AppConfig.
 * The CLI runs outside the app, hence the direct read of DATABASE_URL; when it
 * is unset, pg falls back to its PGHOST/PGUSER/... variables. Building the
 * object does not connect, so importing this module has no side effect.
 */
export default new DataSource(buildDataSourceOptions(process.env.DATABASE_URL ?? ''));
