import { randomBytes } from 'crypto';
import { createClient } from 'redis';
import { TEST_REDIS_URL } from './env';

/**
 * A key prefix no other test uses, so tests share one Redis without seeing each
 * other's keys. Hash-tagged like a production Cluster prefix (`{acd}:`) so the
 * multi-key Lua scripts run the same way they would there.
 */
export function freshRedisPrefix(): string {
  return `{acd-t-${randomBytes(6).toString('hex')}}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK, never KEYS). Returns how many were deleted. */
export async function deleteRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  const errors: Error[] = [];
  // Without a listener a connection error would be thrown as an unhandled 'error' event.
  client.on('error', (err: Error) => errors.push(err));
  await client.connect();
  let deleted = 0;
  try {
    let batch: string[] = [];
    for await (const key of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 500 })) {
      batch.push(key);
      if (batch.length >= 500) {
        deleted += await client.unlink(batch);
        batch = [];
      }
    }
    if (batch.length > 0) deleted += await client.unlink(batch);
  } finally {
    await client.quit();
  }
  if (errors.length > 0) throw errors[0];
  return deleted;
}

/** SCAN MATCH is a glob: a prefix containing `*?[]\` must match literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
