import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { createClient } from 'redis';
import { describeStateStoreContract } from '../state-store.contract';
import { LuaScriptRunner, RedisConnection, readLuaScripts } from './lua-scripts';
import { RedisStateStore } from './redis-state-store';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LUA_DIR = path.join(__dirname, 'lua');

let admin: RedisConnection;

beforeAll(async () => {
  admin = createClient({ url: REDIS_URL });
  await admin.connect();
});

afterAll(async () => {
  await admin.quit();
});

/** Deletes every key under a prefix (test clean-up, or a simulated loss of the Redis data). */
async function deleteKeys(prefix: string): Promise<number> {
  const keys: string[] = [];
  for await (const key of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(key);
  if (keys.length > 0) await admin.del(keys);
  return keys.length;
}

/** Stores on one fresh random prefix; every one opened is closed by `cleanup`. */
function redisFixture() {
  const prefix = `acdtest:${randomUUID()}:`;
  const stores: RedisStateStore[] = [];
  const open = async (): Promise<RedisStateStore> => {
    const store = new RedisStateStore({ url: REDIS_URL, prefix });
    stores.push(store);
    await store.init();
    return store;
  };
  const cleanup = async (): Promise<void> => {
    await Promise.all(stores.map((store) => store.close()));
    await deleteKeys(prefix);
  };
  return { prefix, open, cleanup };
}

describeStateStoreContract(
  'redis',
  async () => {
    const { open, cleanup } = redisFixture();
    return { store: await open(), other: open, cleanup };
  },
  { multiInstance: true },
);

describe('RedisStateStore', () => {
  let fixture: ReturnType<typeof redisFixture>;

  beforeEach(() => {
    fixture = redisFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('turns fresh again when the Redis data is lost', async () => {
    const store = await fixture.open();
    await store.putAgent('a', { voice: 1, chat: 1, email: 1 }, 1);
    await store.markInitialized();
    expect(await store.isFresh()).toBe(false);

    expect(await deleteKeys(fixture.prefix)).toBeGreaterThan(0);
    expect(await store.isFresh()).toBe(true);
    expect(await store.init()).toEqual({ fresh: true });
    expect(await store.getAgent('a')).toBeNull();
  });

  it('lays its keys out under its prefix', async () => {
    const store = await fixture.open();
    await store.putAgent('a', { voice: 1, chat: 1, email: 1 }, 1);
    await store.setPresence('a', 'available', null, 2);
    await store.enqueue({ taskId: 't1', laneKey: 'L', score: 1 });
    await store.enqueue({ taskId: 't2', laneKey: 'L', score: 2 });
    await store.claimNextTask('a', [{ key: 'L', channel: 'chat', offerTimeoutMs: 1_000 }], { blockers: { voice: [], chat: [], email: [] } }, 3);
    const keys: string[] = [];
    for await (const key of admin.scanIterator({ MATCH: `${fixture.prefix}*`, COUNT: 1000 })) keys.push(key.slice(fixture.prefix.length));
    expect(keys.sort()).toEqual(
      expect.arrayContaining(['agent:a', 'agents', 'free:voice', 'free:email', 'lane:L', 'queued', 'timers', 'agent-offers:a', 'task-offer:t1']),
    );
    expect(keys.some((key) => key.startsWith('offer:'))).toBe(true);
  });

  it('measures a raw EVALSHA round trip and closes both connections', async () => {
    const store = await fixture.open();
    await expect(store.rawEvalshaRoundTrip()).resolves.toBeUndefined();
    await store.close();
    expect(await store.ping()).toBe(false);
  });

  it('reloads a script the server does not know (NOSCRIPT) and runs it', async () => {
    // A script no server has seen (unique body): its first EVALSHA must answer NOSCRIPT.
    const marker = randomUUID();
    const source = `return '${marker}'`;
    const scripts = readLuaScripts(LUA_DIR);
    scripts.set('probe', { name: 'probe', numKeys: 0, source, sha: createHash('sha1').update(source).digest('hex') });
    const runner = new LuaScriptRunner(admin, scripts);
    expect(await runner.run('probe', [], [])).toBe(marker);
    expect(await runner.run('probe', [], [])).toBe(marker);
  });
});

describe('Lua scripts', () => {
  const files = readdirSync(LUA_DIR).filter((file) => file.endsWith('.lua'));

  it('are named <name>-<numKeys>.lua and open with a KEYS/ARGV/Output doc block', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(file).toMatch(/^[a-z-]+-\d+\.lua$/);
      const source = readFileSync(path.join(LUA_DIR, file), 'utf8');
      expect(source.startsWith('--[[')).toBe(true);
      expect(source).toMatch(/Input:/);
      expect(source).toMatch(/Output:/);
    }
  });

  it('inline their includes once each', () => {
    const claim = readLuaScripts(LUA_DIR).get('claim-next-task');
    expect(claim?.numKeys).toBe(1);
    expect(claim?.source).not.toMatch(/@include/);
    expect(claim?.source.match(/local function hash_to_table/g)).toHaveLength(1);
    expect(claim?.source).toMatch(/local function make_offer/);
  });
});
