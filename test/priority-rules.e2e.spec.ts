import { Client } from 'pg';
import { PriorityRulesService } from '../src/channels/email/analysis/priority-rules.service';
import { DEFAULT_PRIORITY_RULES } from '../src/channels/email/analysis/priority-rule';
import { connectPg } from '../src/database/embedded-postgres';
import { ApiClient } from './support/api-client';
import { TestApp, TestEnvironment, createAgent, createTestEnvironment, startTestApp } from './support/test-app';

/**
 * The supervisors' priority rules against the real app and database: seeded
 * once, edited over HTTP with validation and roles, and applied by the
 * analysis of the very next mail (in-memory cache refreshed on change).
 */
describe('priority rules', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let db: Client;
  let supervisor: ApiClient;
  let agent: ApiClient;
  let service: PriorityRulesService;

  const count = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM priority_rules')).rows[0].n);
  const sample = (text: string) => service.analyze({ subject: '', text, fromAddress: 'client@example.com', headers: {} });

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    app = await startTestApp(env);
    db = await connectPg(env.databaseUrl);
    supervisor = new ApiClient(app.url).as((await createAgent(app, { role: 'supervisor' })).token);
    agent = new ApiClient(app.url).as((await createAgent(app)).token);
    service = app.app.get(PriorityRulesService);
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await env?.dispose();
  });

  it('seeds the default rules into the empty table at boot', async () => {
    const listed = await supervisor.get('/api/priority-rules');

    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(DEFAULT_PRIORITY_RULES.length);
    expect(await count()).toBe(DEFAULT_PRIORITY_RULES.length);
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pattern: 'urgent', weight: 20, kind: 'keyword', language: null, enabled: true }),
        expect.objectContaining({ pattern: 'devis signé', kind: 'business-event', language: 'fr', enabled: true }),
      ]),
    );
    expect(sample("C'est urgent").priorityReasons).toEqual(['keyword "urgent" (+20)']);
  });

  it('seeds exactly once when several nodes seed at the same time, and never refills an edited table', async () => {
    await db.query('DELETE FROM priority_rules');

    const inserted = await Promise.all([service.seedDefaults(), service.seedDefaults(), service.seedDefaults()]);

    expect(inserted.reduce((sum, n) => sum + n, 0)).toBe(DEFAULT_PRIORITY_RULES.length);
    expect(await count()).toBe(DEFAULT_PRIORITY_RULES.length);
    await db.query(`DELETE FROM priority_rules WHERE lower(pattern) = 'asap'`);
    expect(await service.seedDefaults()).toBe(0);
    expect(await count()).toBe(DEFAULT_PRIORITY_RULES.length - 1);
    await service.reload();
    expect(sample('Please call me back asap').priorityReasons).toEqual([]);
  });

  it('lets a supervisor add a rule that the next analysis applies, then change and delete it', async () => {
    const text = 'Nous avons une fuite de fioul dans la cave depuis ce matin.';
    expect(sample(text).priorityReasons).not.toContain('keyword "Fuite de fioul" (+25)');

    const created = await supervisor.post('/api/priority-rules', { pattern: '  Fuite de fioul ', weight: 25, kind: 'keyword', language: 'fr' });

    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ id: expect.any(String), pattern: 'Fuite de fioul', weight: 25, kind: 'keyword', language: 'fr', enabled: true }),
    );
    expect(sample(text).priorityReasons).toContain('keyword "Fuite de fioul" (+25)');
    const tried = await supervisor.post('/api/priority-rules/analyze', { subject: 'Cave', text });
    expect(tried.status).toBe(200);
    expect(tried.body.priorityReasons).toContain('keyword "Fuite de fioul" (+25)');

    const disabled = await supervisor.patch(`/api/priority-rules/${created.body.id}`, { enabled: false, weight: 30 });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual(expect.objectContaining({ enabled: false, weight: 30, pattern: 'Fuite de fioul' }));
    expect(sample(text).priorityReasons.some((reason) => reason.includes('Fuite de fioul'))).toBe(false);

    const deleted = await supervisor.request('DELETE', `/api/priority-rules/${created.body.id}`);
    expect(deleted.status).toBe(204);
    const again = await supervisor.request<{ code: string }>('DELETE', `/api/priority-rules/${created.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('PRIORITY_RULE_NOT_FOUND');
    expect((await db.query('SELECT 1 FROM priority_rules WHERE id = $1', [created.body.id])).rowCount).toBe(0);
  });

  it('answers 400 to a bad payload and changes nothing', async () => {
    const before = (await db.query('SELECT id, pattern, weight, kind, language, enabled FROM priority_rules ORDER BY id')).rows;
    const someId = before[0].id as string;
    const bad: Record<string, unknown>[] = [
      { pattern: 'x', weight: 51, kind: 'keyword' },
      { pattern: 'x', weight: -51, kind: 'keyword' },
      { pattern: 'x', weight: 1.5, kind: 'keyword' },
      { pattern: 'x', weight: '10', kind: 'keyword' },
      { pattern: '', weight: 10, kind: 'keyword' },
      { pattern: '   ', weight: 10, kind: 'keyword' },
      { pattern: 'x'.repeat(101), weight: 10, kind: 'keyword' },
      { pattern: 'x', weight: 10, kind: 'magic' },
      { pattern: 'x', weight: 10, kind: 'keyword', language: 'de' },
      { pattern: 'x', weight: 10, kind: 'keyword', extra: true },
      { weight: 10, kind: 'keyword' },
      { pattern: '!!!', weight: 10, kind: 'keyword' },
    ];
    for (const body of bad) {
      const response = await supervisor.post('/api/priority-rules', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    for (const body of [{ weight: 99 }, { pattern: null }, { kind: 'other' }, { enabled: 'yes' }, { pattern: '?!' }]) {
      const response = await supervisor.patch(`/api/priority-rules/${someId}`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    const invalid = await supervisor.post('/api/priority-rules', { pattern: '!!!', weight: 10, kind: 'keyword' });
    expect(invalid.body.code).toBe('PRIORITY_RULE_INVALID_PATTERN');
    const duplicate = await supervisor.post('/api/priority-rules', { pattern: 'URGENT', weight: 5, kind: 'keyword' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('PRIORITY_RULE_DUPLICATE');

    expect((await db.query('SELECT id, pattern, weight, kind, language, enabled FROM priority_rules ORDER BY id')).rows).toEqual(before);
  });

  it('refuses agents (403) and anonymous callers (401)', async () => {
    const someId = (await db.query<{ id: string }>('SELECT id FROM priority_rules LIMIT 1')).rows[0].id;
    const before = await count();

    expect((await agent.get('/api/priority-rules')).status).toBe(403);
    expect((await agent.post('/api/priority-rules', { pattern: 'agent rule', weight: 10, kind: 'keyword' })).status).toBe(403);
    expect((await agent.patch(`/api/priority-rules/${someId}`, { weight: 1 })).status).toBe(403);
    expect((await agent.request('DELETE', `/api/priority-rules/${someId}`)).status).toBe(403);
    expect((await new ApiClient(app.url).get('/api/priority-rules')).status).toBe(401);
    expect(await count()).toBe(before);
  });
});
