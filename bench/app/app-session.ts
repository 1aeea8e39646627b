import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { RedisStateStore, createRedisStateStore } from '../../src/state/redis/redis-state-store';
import { ApiClient } from '../../test/support/api-client';
import { deleteRedisPrefix } from '../../test/support/redis';
import { BENCH_PG_URL, BENCH_REDIS_URL, LUA_DIR, benchRedisPrefix } from '../support/bench-env';
import { onCleanup, withTimeout } from '../support/cleanup';
import { PlainRedis, connectPlainRedis } from '../support/redis-probe';
import { AppProcess } from './app-process';
import { BenchDatabase, createBenchDatabase } from './bench-database';
import { AgentActivity, Floor, newActivity } from './floor';
import { OfferDriver } from './offer-latency';

/**
 * One real app process with everything it needs and everything the bench
 * uses to drive it: a fresh database `acd_bench_<random>`, a fresh Redis
 * prefix, the spawned `node dist/main.js`, an admin token, the floor (queues,
 * agents, backlog) and the offer driver. `close()` undoes it all (it is also
 * registered with the global cleanup, for failures and signals).
 */
export class AppSession {
  private readonly undos: Array<{ name: string; run: () => Promise<unknown>; unregister: () => void }> = [];

  private constructor(
    readonly database: BenchDatabase,
    readonly app: AppProcess,
    readonly store: RedisStateStore,
    readonly pg: Client,
    readonly probe: PlainRedis,
    readonly adminToken: string,
    readonly activity: AgentActivity,
    readonly floor: Floor,
    readonly driver: OfferDriver,
  ) {}

  /** `beforeBoot` runs on the empty database before the app starts (the Postgres limit uses it). */
  static async start(beforeBoot?: (database: BenchDatabase) => Promise<void>): Promise<AppSession> {
    const undos: AppSession['undos'] = [];
    const undo = (name: string, run: () => Promise<unknown>): void => {
      undos.push({ name, run, unregister: onCleanup(name, run) });
    };
    const database = await createBenchDatabase(BENCH_PG_URL);
    undo(`drop database ${database.name}`, () => database.drop());
    const prefix = benchRedisPrefix('app');
    undo(`delete redis prefix ${prefix}`, () => deleteRedisPrefix(prefix, BENCH_REDIS_URL));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'acd-bench-'));
    undo('remove app data dir', async () => rmSync(dataDir, { recursive: true, force: true }));
    if (beforeBoot) await beforeBoot(database);

    const adminEmail = 'bench-admin@bench.local';
    const adminPassword = randomBytes(12).toString('hex');
    const app = await AppProcess.start({
      databaseUrl: database.url,
      redisUrl: BENCH_REDIS_URL,
      redisPrefix: prefix,
      jwtSecret: randomBytes(24).toString('hex'),
      adminEmail,
      adminPassword,
      dataDir,
      logLevel: 'warn',
    });
    undo('stop the app', () => app.stop());
    await app.waitReady(90_000);

    const store = createRedisStateStore({ url: BENCH_REDIS_URL, prefix, luaDir: LUA_DIR });
    undo('close bench store', () => store.close());
    await store.init();
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    undo('close bench pg', () => pg.end());
    const probe = await connectPlainRedis(BENCH_REDIS_URL);
    undo('close redis probe', () => probe.quit());

    const login = await new ApiClient(app.baseUrl).post('/api/auth/login', { email: adminEmail, password: adminPassword });
    if (login.status !== 200 && login.status !== 201) throw new Error(`admin login answered ${login.status}: ${JSON.stringify(login.body)}`);
    const adminToken: string = login.body.accessToken;
    const activity = newActivity();
    const floor = new Floor(new ApiClient(app.baseUrl, adminToken), app.baseUrl, pg, store, activity);
    undo('close agent sockets', async () => floor.closeSockets());
    const driver = new OfferDriver(app.baseUrl, adminToken, activity, store, () => floor.chatLaneKey, app.pid, probe, database.name, pg);
    undo('close http agent', async () => driver.close());
    await floor.createQueues();

    const session = new AppSession(database, app, store, pg, probe, adminToken, activity, floor, driver);
    session.undos.push(...undos);
    return session;
  }

  /** Undoes everything, last first (sockets, clients, the app, then Redis keys and the database). */
  async close(): Promise<void> {
    while (this.undos.length > 0) {
      const { name, run, unregister } = this.undos.pop() as AppSession['undos'][number];
      unregister();
      try {
        await withTimeout(run(), 15_000, name);
      } catch (error) {
        process.stderr.write(`cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
