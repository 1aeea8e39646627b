import { createClient } from 'redis';
import { connectPg } from '../../src/database/embedded-postgres';
import { redactUrl, TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

const CONNECT_TIMEOUT_MS = 3000;

/**
 * Jest global setup: the integration tests need a real PostgreSQL and Redis.
 * Check both once, up front, and stop with one clear message instead of every
 * suite timing out on its own.
 */
export default async function globalSetup(): Promise<void> {
  const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter((problem): problem is string => problem !== null);
  if (problems.length > 0) {
    throw new Error(
      `Test infrastructure is not reachable:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
        'Start them (`.ci/run` installs and starts both on Debian) or point TEST_DATABASE_URL / TEST_REDIS_URL elsewhere.',
    );
  }
}

async function checkPostgres(): Promise<string | null> {
  const where = `PostgreSQL at ${redactUrl(TEST_DATABASE_URL)} (TEST_DATABASE_URL)`;
  try {
    const client = await connectPg(TEST_DATABASE_URL, CONNECT_TIMEOUT_MS);
    try {
      // Each test creates its own database, so the role must be allowed to.
      const result = await client.query<{ can_create: boolean }>('SELECT rolsuper OR rolcreatedb AS can_create FROM pg_roles WHERE rolname = current_user');
      if (result.rows[0]?.can_create !== true) return `${where}: the role may not CREATE DATABASE`;
    } finally {
      await client.end();
    }
    return null;
  } catch (err) {
    return `${where}: ${explain(err)}`;
  }
}

async function checkRedis(): Promise<string | null> {
  const where = `Redis at ${redactUrl(TEST_REDIS_URL)} (TEST_REDIS_URL)`;
  const client = createClient({ url: TEST_REDIS_URL, socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false } });
  let lastError: Error | null = null;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    const pong = await client.ping();
    await client.quit();
    return pong === 'PONG' ? null : `${where}: PING answered ${pong}`;
  } catch (err) {
    if (client.isOpen) await client.disconnect();
    return `${where}: ${explain(lastError ?? err)}`;
  }
}

function explain(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(explain).join('; ');
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}
