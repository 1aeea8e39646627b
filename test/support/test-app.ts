import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { useSocketAdapter } from '../../src/gateway/redis-io.adapter';
import { ApiClient } from './api-client';
import { SocketClient } from './agent-client';
import { createTestDatabase } from './database';
import { deleteRedisPrefix, freshRedisPrefix } from './redis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

export type StoreKind = 'memory' | 'redis';

/** Shared resources of one scenario: a fresh database and (for Redis) a fresh key prefix. */
export interface TestEnvironment {
  databaseUrl: string;
  redisUrl: string | null;
  redisPrefix: string;
  dispose(): Promise<void>;
}

export async function createTestEnvironment(store: StoreKind): Promise<TestEnvironment> {
  const database = await createTestDatabase();
  const redisPrefix = freshRedisPrefix();
  return {
    databaseUrl: database.url,
    redisUrl: store === 'redis' ? TEST_REDIS_URL : null,
    redisPrefix,
    async dispose() {
      await database.drop();
      if (store === 'redis') await deleteRedisPrefix(redisPrefix);
    },
  };
}

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  api: ApiClient;
  adminToken: string;
  close(): Promise<void>;
}

/** Boots the real AppModule on a real port against the environment's Postgres and state store. */
export async function startTestApp(env: TestEnvironment, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const config: AppConfig = {
    ...loadConfig({}),
    port: 0,
    databaseUrl: env.databaseUrl,
    redisUrl: env.redisUrl,
    redisPrefix: env.redisPrefix,
    jwtSecret: 'test-secret-0123456789abcdef',
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: 'warn',
    ...overrides,
  };
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn'], rawBody: true });
  configureApp(app);
  await useSocketAdapter(app, config.redisUrl, config.redisPrefix);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const api = new ApiClient(url);
  const login = await api.post('/api/auth/login', ADMIN);
  if (login.status !== 200 && login.status !== 201) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { app, url, config, api: api.as(login.body.accessToken), adminToken: login.body.accessToken, close: () => app.close() };
}

let counter = 0;

/** Creates an agent through the API and logs it in. */
export async function createAgent(
  app: TestApp,
  input: { name?: string; skills?: Record<string, number>; capacity?: Partial<Record<'voice' | 'chat' | 'email', number>>; role?: string } = {},
): Promise<{ id: string; token: string; email: string }> {
  counter += 1;
  const email = `agent${counter}-${Date.now()}@test.local`;
  const password = 'agent-password-1';
  const created = await app.api.post('/api/agents', {
    name: input.name ?? `Agent ${counter}`,
    email,
    password,
    skills: input.skills ?? {},
    capacity: { voice: 1, chat: 3, email: 2, ...input.capacity },
    ...(input.role ? { role: input.role } : {}),
  });
  if (created.status !== 201) throw new Error(`create agent failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await new ApiClient(app.url).post('/api/auth/login', { email, password });
  return { id: created.body.id, token: login.body.accessToken, email };
}

export async function createQueue(app: TestApp, input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  counter += 1;
  const created = await app.api.post('/api/queues', { name: `queue-${counter}-${Date.now()}`, ...input });
  if (created.status !== 201) throw new Error(`create queue failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

export async function createTask(app: TestApp, input: Record<string, unknown>): Promise<any> {
  const created = await app.api.post('/api/tasks', input);
  if (created.status !== 201) throw new Error(`create task failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Connects an agent socket and sets it available (waiting for the ack). */
export async function availableAgent(app: TestApp, agent: { token: string }): Promise<SocketClient> {
  const client = await SocketClient.connect(app.url, '/agent', agent.token);
  const ack = await client.emit('presence:set', { state: 'available' });
  if (!ack.ok) throw new Error(`presence:set failed: ${JSON.stringify(ack)}`);
  return client;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Leaves the floor empty for the next scenario: connected agents go offline, every socket is closed. */
export async function clearFloor(sockets: SocketClient[]): Promise<void> {
  await Promise.all(
    sockets.filter((s) => s.socket.connected).map((s) => s.emit('presence:set', { state: 'offline' }).catch(() => undefined)),
  );
  sockets.splice(0).forEach((socket) => socket.close());
}
