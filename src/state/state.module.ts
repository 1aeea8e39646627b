import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MemoryStateStore } from './memory/memory-state-store';
import { createRedisStateStore } from './redis/redis-state-store';
import { STATE_STORE, StateStore } from './state-store';

/**
 * Picks the store from the config: `REDIS_URL` set → Redis (many nodes), else
 * the in-process store (single node). The store is connected here; whether it
 * must be rebuilt from Postgres (`isFresh`) is the recovery's business, which
 * also calls `markInitialized`.
 */
export async function createStateStore(config: AppConfig): Promise<StateStore> {
  const store: StateStore = config.redisUrl
    ? createRedisStateStore({ url: config.redisUrl, prefix: config.redisPrefix })
    : new MemoryStateStore();
  const { fresh } = await store.init();
  new Logger(StateModule.name).log(
    `state store: ${config.redisUrl ? `redis (prefix ${config.redisPrefix})` : 'in-process'}${fresh ? ', fresh' : ''}`,
  );
  return store;
}

/** Provides STATE_STORE everywhere; closes it when the application shuts down. */
@Global()
@Module({
  providers: [{ provide: STATE_STORE, inject: [APP_CONFIG], useFactory: createStateStore }],
  exports: [STATE_STORE],
})
export class StateModule implements OnApplicationShutdown {
  private readonly logger = new Logger(StateModule.name);

  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  /** After every module's onModuleDestroy, so services may still use the store while they stop. */
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.store.close();
    } catch (error) {
      this.logger.error(`closing the state store failed: ${String(error)}`);
    }
  }
}
