import { createClient } from 'redis';

export type PlainRedis = ReturnType<typeof createClient>;

export async function connectPlainRedis(url: string): Promise<PlainRedis> {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', (error: unknown) => process.stderr.write(`bench redis connection error: ${String(error)}\n`));
  await client.connect();
  return client;
}

export interface EvalshaCounters {
  calls: number;
  usec: number;
}

/** Server-side EVALSHA totals from INFO commandstats (all clients of the server). */
export async function evalshaCounters(client: PlainRedis): Promise<EvalshaCounters> {
  const info = await client.info('commandstats');
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
  return match ? { calls: Number(match[1]), usec: Number(match[2]) } : { calls: 0, usec: 0 };
}

/** Calls per command since the server started (INFO commandstats; all clients). */
export async function commandCalls(client: PlainRedis): Promise<Map<string, number>> {
  const info = await client.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls.set(match[1], Number(match[2]));
  return calls;
}

/** CPU seconds (user + system) the Redis server has used since it started. */
export async function redisCpuSeconds(client: PlainRedis): Promise<number> {
  const info = await client.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? Number.NaN);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? Number.NaN);
  return user + sys;
}

export async function redisVersion(client: PlainRedis): Promise<string> {
  const info = await client.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

export async function redisUsedMemory(client: PlainRedis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}
