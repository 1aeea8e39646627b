import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DatabaseHealth } from './database-health';
import { buildDataSourceOptions, MigrationFailedError, runPendingMigrations } from './data-source';
import { EmbeddedPostgres, embeddedPostgresOptions } from './embedded-postgres';
import { StatementPool } from './statement-pool';

const logger = new Logger('DatabaseModule');

/**
 * Embedded servers started for a given options object. The options factory
 * (which can inject the config) starts the server; the data source factory
 * (which cannot inject anything) receives that same options object and hands
 * the server to the DataSource that must stop it.
 */
const embeddedByOptions = new WeakMap<object, EmbeddedPostgres>();

/**
 * A DataSource that closes the hot-path statement pool with its own, then
 * stops the embedded PostgreSQL it runs on. TypeOrmCoreModule destroys the DataSource last (global
 * modules shut down after all others), so the database outlives every module
 * that may still write during shutdown.
 */
class OwningDataSource extends DataSource {
  private embedded: EmbeddedPostgres | null = null;

  stopOnDestroy(embedded: EmbeddedPostgres): void {
    this.embedded = embedded;
  }

  override async destroy(): Promise<void> {
    try {
      await StatementPool.end(this);
      if (this.isInitialized) await super.destroy();
    } finally {
      const embedded = this.embedded;
      this.embedded = null;
      await embedded?.stop();
    }
  }
}

async function typeOrmOptions(config: AppConfig): Promise<TypeOrmModuleOptions> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  if (url === null) {
    logger.log(`DATABASE_URL is not set: using an embedded PostgreSQL under ${config.dataDir}`);
    embedded = new EmbeddedPostgres(embeddedPostgresOptions(config));
    url = await embedded.start();
  }
  const options: TypeOrmModuleOptions = {
    ...buildDataSourceOptions(url),
    // An external database may still be starting (compose, k8s): retry the connection, but not a failed migration.
    retryAttempts: 5,
    retryDelay: 2000,
    toRetry: (err: unknown) => !(err instanceof MigrationFailedError),
  };
  if (embedded) embeddedByOptions.set(options, embedded);
  return options;
}

/** Connects, then applies pending migrations before anything else can use the database. */
async function createDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('DatabaseModule: TypeORM options missing');
  const dataSource = new OwningDataSource(options);
  try {
    await dataSource.initialize();
    await runPendingMigrations(dataSource);
  } catch (err) {
    // Close this attempt's pool; the embedded server stays up for a retry (or is stopped at process exit).
    await dataSource.destroy().catch((closeErr: unknown) => logger.warn(`Closing the failed connection: ${String(closeErr)}`));
    throw err;
  }
  const embedded = embeddedByOptions.get(options);
  if (embedded) dataSource.stopOnDestroy(embedded);
  return dataSource;
}

/**
 * The durable store: TypeORM on Postgres (DATABASE_URL, or an embedded server
 * under ACD_DATA_DIR when unset), migrated at boot. The DataSource and entity
 * repositories (`TypeOrmModule.forFeature`) are available app-wide because
 * TypeORM's core module is global; the app must call `enableShutdownHooks()`
 * for the embedded server to be stopped on SIGTERM/SIGINT.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: typeOrmOptions,
      dataSourceFactory: createDataSource,
    }),
  ],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth],
})
export class DatabaseModule {}
