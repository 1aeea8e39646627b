import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentsModule } from '../src/agents/agents.module';
import { configureApp } from '../src/app.setup';
import { AuthModule } from '../src/auth/auth.module';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { AppConfigModule } from '../src/config/config.module';
import { buildDataSourceOptions } from '../src/database/data-source';
import { HealthModule } from '../src/health/health.module';
import { QueuesModule } from '../src/queues/queues.module';
import { StateModule } from '../src/state/state.module';
import { createTestDatabase } from './support/database';

/**
 * The HTTP API of auth, agents, queues and health over real HTTP (fetch
 * against `app.listen(0)`), on a fresh Postgres database and the in-process
 * state store, with the same `configureApp` as production.
 */

const ADMIN = { email: 'admin@http-e2e.test', password: 'admin-password-1' };

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/** The body of a list endpoint. */
const items = (reply: Reply): Json[] => reply.body as unknown as Json[];

let app: INestApplication;
let baseUrl: string;
let dataDir: string;
let dropDatabase: () => Promise<void>;
let adminToken: string;

async function call(method: string, url: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : {} };
}

const login = (email: string, password: string) => call('POST', '/api/auth/login', { body: { email, password } });

let seq = 0;
const uniqueEmail = (prefix: string) => `${prefix}-${++seq}-${Date.now()}@http-e2e.test`;

async function createAgent(input: Record<string, unknown> = {}, token = adminToken): Promise<{ id: string; email: string; token: string }> {
  const email = (input.email as string | undefined) ?? uniqueEmail('agent');
  const created = await call('POST', '/api/agents', { token, body: { name: 'Test Agent', email, password: 'agent-password-1', ...input } });
  expect(created.status).toBe(201);
  const loggedIn = await login(email, (input.password as string | undefined) ?? 'agent-password-1');
  expect(loggedIn.status).toBe(200);
  return { id: created.body.id as string, email, token: loggedIn.body.accessToken as string };
}

beforeAll(async () => {
  const database = await createTestDatabase();
  dropDatabase = () => database.drop();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'acd-http-e2e-'));
  const config: AppConfig = {
    ...loadConfig({}),
    port: 0,
    databaseUrl: database.url,
    // No JWT_SECRET: exercises the generated secret persisted under dataDir.
    jwtSecret: null,
    dataDir,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: 'warn',
  };

  @Module({
    imports: [
      AppConfigModule.forRoot(config),
      TypeOrmModule.forRoot({ ...buildDataSourceOptions(database.url), migrationsRun: true }),
      StateModule,
      AuthModule,
      AgentsModule,
      QueuesModule,
      HealthModule,
    ],
  })
  class HttpApiTestModule {}

  app = await NestFactory.create(HttpApiTestModule, { logger: ['error'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  baseUrl = `http://127.0.0.1:${port}`;

  const admin = await login(ADMIN.email, ADMIN.password);
  expect(admin.status).toBe(200);
  adminToken = admin.body.accessToken as string;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await dropDatabase?.();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('auth', () => {
  it('logs the bootstrap admin in and returns the agent view without secrets', async () => {
    const reply = await login(ADMIN.email.toUpperCase(), ADMIN.password);
    expect(reply.status).toBe(200);
    expect(typeof reply.body.accessToken).toBe('string');
    const user = reply.body.user as Record<string, unknown>;
    expect(user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(Object.keys(user).sort()).toEqual(['capacity', 'email', 'extension', 'id', 'load', 'name', 'presence', 'repliesNeedApproval', 'role', 'skills']);
    expect(JSON.stringify(reply.body)).not.toMatch(/password/i);
  });

  it('answers 401 with the same body for a wrong password and an unknown email', async () => {
    const wrongPassword = await login(ADMIN.email, 'not-the-password');
    const unknownEmail = await login('nobody@http-e2e.test', 'not-the-password');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Invalid email or password' });
  });

  it('rate-limits repeated failures for one email from one address (429 with Retry-After)', async () => {
    const email = uniqueEmail('victim');
    for (let i = 0; i < 10; i++) expect((await login(email, 'wrong-password')).status).toBe(401);
    const limited = await login(email, 'wrong-password');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'AUTH_RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('requires a bearer token on /api routes (401) and refuses a forged one', async () => {
    const missing = await call('GET', '/api/queues');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'A bearer token is required', code: 'AUTH_UNAUTHENTICATED' });
    const forged = await call('GET', '/api/queues', { token: `${adminToken.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('persists the generated JWT secret with mode 0600', async () => {
    const stat = await fs.stat(path.join(dataDir, 'jwt-secret'));
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('refuses an agent token on a supervisor route (403)', async () => {
    const agent = await createAgent();
    const reply = await call('GET', '/api/agents', { token: agent.token });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'This action requires the supervisor role', code: 'AUTH_FORBIDDEN' });
  });
});

describe('agents', () => {
  it('creates an agent (201) with defaults and the exact view shape', async () => {
    const email = uniqueEmail('alice');
    const reply = await call('POST', '/api/agents', {
      token: adminToken,
      body: { name: 'Alice', email, password: 'alice-password', skills: { billing: 7, french: 10 }, extension: '1001' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Alice',
      email,
      role: 'agent',
      skills: { billing: 7, french: 10 },
      capacity: { voice: 1, chat: 3, email: 2 },
      extension: '1001',
      repliesNeedApproval: false,
      presence: { state: 'offline', reason: null, since: expect.any(String) },
      load: { voice: 0, chat: 0, email: 0 },
    });
    expect(Number.isNaN(Date.parse((reply.body.presence as { since: string }).since))).toBe(false);

    const fetched = await call('GET', `/api/agents/${reply.body.id as string}`, { token: adminToken });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ ...reply.body, presence: expect.any(Object) });
  });

  it('answers 409 on a duplicate email, whatever its case', async () => {
    const agent = await createAgent();
    const reply = await call('POST', '/api/agents', {
      token: adminToken,
      body: { name: 'Copy', email: agent.email.toUpperCase(), password: 'agent-password-1' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'AGENT_EMAIL_TAKEN' });
  });

  it('answers 400 with the validation messages on invalid skills, capacity and unknown fields', async () => {
    const skills = await call('POST', '/api/agents', {
      token: adminToken,
      body: { name: 'Bad', email: uniqueEmail('bad'), password: 'agent-password-1', skills: { Sales: 3, billing: 11 } },
    });
    expect(skills.status).toBe(400);
    expect(skills.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(skills.body.message).toMatch(/skills has an invalid skill name "Sales"/);

    const capacity = await call('POST', '/api/agents', {
      token: adminToken,
      body: { name: 'Bad', email: uniqueEmail('bad'), password: 'agent-password-1', capacity: { voice: 21 } },
    });
    expect(capacity.status).toBe(400);
    expect(capacity.body.message).toContain('capacity.voice must not be greater than 20');

    const extra = await call('POST', '/api/agents', {
      token: adminToken,
      body: { name: 'Bad', email: uniqueEmail('bad'), password: 'agent-password-1', isAdmin: true },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('property isAdmin should not exist');
  });

  it('answers 400 on a malformed id and 404 on an unknown one', async () => {
    expect((await call('GET', '/api/agents/not-a-uuid', { token: adminToken })).status).toBe(400);
    const unknown = await call('GET', '/api/agents/3f2b8c1e-6a4d-4f3e-9b2a-1c2d3e4f5a6b', { token: adminToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'AGENT_NOT_FOUND' });
  });

  it('answers 400 with a JSON error body on malformed JSON', async () => {
    const reply = await call('POST', '/api/agents', { token: adminToken, rawBody: '{"name": ' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'BAD_REQUEST', message: expect.any(String) });
  });

  it('lets an agent read itself but not others, nor the list', async () => {
    const me = await createAgent();
    const other = await createAgent();
    expect((await call('GET', `/api/agents/${me.id}`, { token: me.token })).status).toBe(200);
    expect((await call('GET', `/api/agents/${other.id}`, { token: me.token })).status).toBe(403);
    const list = await call('GET', '/api/agents', { token: adminToken });
    expect(list.status).toBe(200);
    expect(items(list).map((agent) => agent.id)).toEqual(expect.arrayContaining([me.id, other.id]));
  });

  it('applies a PATCH: profile, skills, partial capacity, extension and password', async () => {
    const agent = await createAgent({ skills: { billing: 3 }, extension: '2001' });
    const newEmail = uniqueEmail('renamed');
    const reply = await call('PATCH', `/api/agents/${agent.id}`, {
      token: adminToken,
      body: { name: 'Renamed', email: newEmail, skills: { support: 9 }, capacity: { chat: 5 }, extension: null, password: 'new-password-1' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      name: 'Renamed',
      email: newEmail,
      skills: { support: 9 },
      capacity: { voice: 1, chat: 5, email: 2 },
      extension: null,
    });
    expect((await call('GET', `/api/agents/${agent.id}`, { token: adminToken })).body).toMatchObject({ name: 'Renamed', skills: { support: 9 } });
    expect((await login(newEmail, 'agent-password-1')).status).toBe(401);
    expect((await login(newEmail, 'new-password-1')).status).toBe(200);
  });

  it('lets only an admin grant supervisor or admin, and keeps supervisors off admin accounts', async () => {
    const supervisor = await createAgent({ role: 'supervisor' });
    const agent = await createAgent({}, supervisor.token);

    const grant = await call('PATCH', `/api/agents/${agent.id}`, { token: supervisor.token, body: { role: 'admin' } });
    expect(grant.status).toBe(403);
    const createSupervisor = await call('POST', '/api/agents', {
      token: supervisor.token,
      body: { name: 'S2', email: uniqueEmail('s2'), password: 'agent-password-1', role: 'supervisor' },
    });
    expect(createSupervisor.status).toBe(403);

    const admin = (await login(ADMIN.email, ADMIN.password)).body.user as { id: string };
    const takeover = await call('PATCH', `/api/agents/${admin.id}`, { token: supervisor.token, body: { password: 'hijacked-password' } });
    expect(takeover.status).toBe(403);

    const promoted = await call('PATCH', `/api/agents/${agent.id}`, { token: adminToken, body: { role: 'supervisor' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('supervisor');
  });

  it('refuses to let an agent force another agent\'s presence', async () => {
    const me = await createAgent();
    const other = await createAgent();
    const reply = await call('PUT', `/api/agents/${other.id}/presence`, { token: me.token, body: { state: 'away', reason: 'lunch' } });
    expect(reply.status).toBe(403);
    const invalid = await call('PUT', `/api/agents/${me.id}/presence`, { token: me.token, body: { state: 'sleeping' } });
    expect(invalid.status).toBe(400);
  });

  it('sets presence through PresenceService and shows it live in the view', async () => {
    const me = await createAgent();
    const reply = await call('PUT', `/api/agents/${me.id}/presence`, { token: me.token, body: { state: 'away', reason: 'lunch' } });
    expect(reply.status).toBe(200);
    expect(reply.body.presence).toMatchObject({ state: 'away', reason: 'lunch' });
    expect((await call('GET', `/api/agents/${me.id}`, { token: me.token })).body.presence).toMatchObject({ state: 'away', reason: 'lunch' });
  });
});

describe('queues', () => {
  it('creates queues with channel defaults and normalized skills, plus live figures', async () => {
    const voice = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Sales Voice', channel: 'voice', skills: ['Sales', 'french', 'sales'] } });
    expect(voice.status).toBe(201);
    expect(voice.body).toEqual({
      id: expect.any(String),
      name: 'Sales Voice',
      channel: 'voice',
      skills: ['french', 'sales'],
      priority: 0,
      slaSeconds: 20,
      wrapUpSeconds: 0,
      offerTimeoutSeconds: 15,
      preferredAgentTimeoutSeconds: 30,
      waiting: expect.any(Number),
      longestWaitSeconds: expect.any(Number),
      serviceLevel: null,
      agentsAvailable: expect.any(Number),
    });

    const email = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Support Mail', channel: 'email', priority: 10 } });
    expect(email.body).toMatchObject({ slaSeconds: 86_400, offerTimeoutSeconds: 60, priority: 10 });
    const chat = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Web Chat', channel: 'chat', slaSeconds: 45 } });
    expect(chat.body).toMatchObject({ slaSeconds: 45, offerTimeoutSeconds: 30 });
  });

  it('finds a queue by id and by name, for any authenticated user', async () => {
    const created = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Billing', channel: 'chat' } });
    const agent = await createAgent();
    const byName = await call('GET', '/api/queues/Billing', { token: agent.token });
    expect(byName.status).toBe(200);
    expect(byName.body.id).toBe(created.body.id);
    const byId = await call('GET', `/api/queues/${created.body.id as string}`, { token: agent.token });
    expect(byId.body.name).toBe('Billing');
    const list = await call('GET', '/api/queues', { token: agent.token });
    expect(items(list).map((queue) => queue.name)).toContain('Billing');
    expect((await call('GET', '/api/queues/No Such Queue', { token: agent.token })).status).toBe(404);
    expect((await call('POST', '/api/queues', { token: agent.token, body: { name: 'Nope', channel: 'chat' } })).status).toBe(403);
  });

  it('answers 409 on a duplicate name', async () => {
    await call('POST', '/api/queues', { token: adminToken, body: { name: 'Unique Queue', channel: 'voice' } });
    const duplicate = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Unique Queue', channel: 'email' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ statusCode: 409, code: 'QUEUE_NAME_TAKEN' });
  });

  it('patches a queue but never its channel', async () => {
    const created = await call('POST', '/api/queues', { token: adminToken, body: { name: 'Patchable', channel: 'voice' } });
    const id = created.body.id as string;
    const patched = await call('PATCH', `/api/queues/${id}`, { token: adminToken, body: { priority: 50, skills: ['VIP'], slaSeconds: 10, channel: 'voice' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priority: 50, skills: ['vip'], slaSeconds: 10, channel: 'voice' });
    const channel = await call('PATCH', `/api/queues/${id}`, { token: adminToken, body: { channel: 'email' } });
    expect(channel.status).toBe(400);
    expect(channel.body).toMatchObject({ code: 'QUEUE_CHANNEL_IMMUTABLE' });
  });
});

describe('health and docs', () => {
  it('serves liveness and readiness outside /api without a token', async () => {
    expect(await call('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'up', stateStore: 'up' } } });
    expect((await call('GET', '/api/health/live')).status).toBe(404);
  });

  it('answers unknown routes with the error shape', async () => {
    const reply = await call('GET', '/api/nope', { token: adminToken });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/nope', code: 'NOT_FOUND' });
  });

  it('publishes the OpenAPI document with the agents routes and bearer auth', async () => {
    const reply = await call('GET', '/api/docs-json');
    expect(reply.status).toBe(200);
    const paths = reply.body.paths as unknown as Record<string, unknown>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/agents', '/api/agents/{id}', '/api/queues', '/api/auth/login']));
    expect(JSON.stringify(reply.body.components)).toContain('bearer');
  });
});
