import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { AutoRepliesService } from '../src/channels/email/auto-replies/auto-replies.service';
import { connectPg } from '../src/database/embedded-postgres';
import { buildMergeContext } from '../src/templates/merge-context';
import { TemplatesService } from '../src/templates/templates.service';
import { ApiClient } from './support/api-client';
import { TestApp, TestEnvironment, createAgent, createTestEnvironment, startTestApp } from './support/test-app';

const PDF = Buffer.from('%PDF-1.4 price list').toString('base64');

/**
 * Reply templates and auto-reply rules over real HTTP against the real
 * AppModule and Postgres: validation at save time (unknown merge fields,
 * names), roles, previews with merge fields, and the rule → template link.
 */
describe('reply templates and auto-reply rules', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let db: Client;
  let agent: ApiClient;
  let supervisor: ApiClient;

  const templateCount = async (): Promise<number> => Number((await db.query('SELECT count(*) AS n FROM templates')).rows[0].n);
  const ruleCount = async (): Promise<number> => Number((await db.query('SELECT count(*) AS n FROM auto_reply_rules')).rows[0].n);
  const remove = (client: ApiClient, path: string) => client.request<{ code?: string }>('DELETE', path);

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    app = await startTestApp(env);
    db = await connectPg(env.databaseUrl);
    agent = app.api.as((await createAgent(app, { name: 'Paul Agent' })).token);
    supervisor = app.api.as((await createAgent(app, { name: 'Sam Supervisor', role: 'supervisor' })).token);
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await env?.dispose();
  });

  describe('templates', () => {
    let created: { id: string; updatedAt: string };

    it('starts with the default templates, FR and EN, filterable by language', async () => {
      const all = await agent.get('/api/templates');
      expect(all.status).toBe(200);
      expect(all.body.map((t: { name: string }) => t.name).sort()).toEqual(['acknowledgement-en', 'acknowledgement-fr', 'information-en', 'information-fr']);
      const fr = await agent.get('/api/templates?language=fr');
      expect(fr.body.map((t: { language: string }) => t.language)).toEqual(['fr', 'fr']);
      expect((await agent.get('/api/templates?language=de')).status).toBe(400);
      // A second seeding (another node booting) adds nothing.
      expect(await app.app.get(TemplatesService).seedDefaults()).toBe(0);
      expect(await templateCount()).toBe(4);
      // The email channel finds its acknowledgement by name, whatever the case.
      expect(await app.app.get(TemplatesService).findByName('ACKNOWLEDGEMENT-FR')).toMatchObject({ name: 'acknowledgement-fr', language: 'fr' });
      expect(await app.app.get(TemplatesService).findByName('nope')).toBeNull();
      const fields = await agent.get('/api/templates/merge-fields');
      expect(fields.body.map((field: { path: string }) => field.path)).toEqual(expect.arrayContaining(['customer.name', 'ticket.ref', 'agent.name']));
    });

    it('lets a supervisor create a template, with an attachment', async () => {
      const res = await supervisor.post('/api/templates', {
        name: 'Quote follow-up',
        language: 'en',
        subject: 'Your quote [#{{ticket.ref}}]',
        body: 'Hello {{customer.name}},\nAbout "{{conversation.subject}}" (ref {{ticket.ref}}): see the attached price list.\n{{agent.name}}',
        attachments: [{ filename: 'prices.pdf', contentType: 'application/pdf', contentBase64: PDF }],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Quote follow-up',
        language: 'en',
        attachments: [{ filename: 'prices.pdf', contentType: 'application/pdf', size: 19, contentBase64: PDF }],
      });
      created = res.body;
      const listed = (await agent.get('/api/templates?language=en')).body.find((t: { id: string }) => t.id === created.id);
      expect(listed.attachments).toEqual([{ filename: 'prices.pdf', contentType: 'application/pdf', size: 19 }]);
      expect((await agent.get(`/api/templates/${created.id}`)).body.attachments[0].contentBase64).toBe(PDF);
    });

    it('previews with merge fields for any agent: text as written, HTML escaped', async () => {
      const res = await agent.post(`/api/templates/${created.id}/preview`, {
        context: {
          customer: { name: 'Jeanne <Martin>' },
          ticket: { ref: 'K7F-2Q9' },
          conversation: { subject: 'Prices & delays' },
          agent: { name: 'Paul Agent' },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        subject: 'Your quote [#K7F-2Q9]',
        text: 'Hello Jeanne <Martin>,\nAbout "Prices & delays" (ref K7F-2Q9): see the attached price list.\nPaul Agent',
        html: 'Hello Jeanne &lt;Martin&gt;,<br>\nAbout &quot;Prices &amp; delays&quot; (ref K7F-2Q9): see the attached price list.<br>\nPaul Agent',
        missingFields: [],
      });
      const empty = await agent.post(`/api/templates/${created.id}/preview`, {});
      expect(empty.body.missingFields).toEqual(['ticket.ref', 'customer.name', 'conversation.subject', 'agent.name']);
      expect((await agent.post(`/api/templates/${created.id}/preview`, { context: { customer: { nmae: 'x' } } })).status).toBe(400);
    });

    it('refuses an unknown merge field (400, naming it) and saves nothing', async () => {
      const before = await templateCount();
      const res = await supervisor.post('/api/templates', { name: 'Typo', language: 'en', body: 'Hello {{customer.nmae}}' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('TEMPLATE_UNKNOWN_FIELD');
      expect(res.body.message).toContain('customer.nmae');
      expect(await templateCount()).toBe(before);

      const patch = await supervisor.patch(`/api/templates/${created.id}`, { subject: 'Re {{ticket.number}}' });
      expect(patch.status).toBe(400);
      expect(patch.body.message).toContain('ticket.number');
      expect((await agent.get(`/api/templates/${created.id}`)).body.subject).toBe('Your quote [#{{ticket.ref}}]');

      const syntax = await supervisor.post('/api/templates', { name: 'Broken', language: 'en', body: 'Hello {{#if customer.name}}' });
      expect(syntax.status).toBe(400);
      expect(syntax.body.code).toBe('TEMPLATE_INVALID_SYNTAX');
      expect(await templateCount()).toBe(before);
    });

    it('refuses a duplicate name, whatever its case (409)', async () => {
      const res = await supervisor.post('/api/templates', { name: 'QUOTE FOLLOW-UP', language: 'fr', body: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('TEMPLATE_NAME_TAKEN');
      const rename = await supervisor.patch(`/api/templates/${created.id}`, { name: 'Acknowledgement-EN' });
      expect(rename.status).toBe(409);
    });

    it('does not let an agent create, change or delete templates (403)', async () => {
      expect((await agent.post('/api/templates', { name: 'Mine', language: 'en', body: 'x' })).status).toBe(403);
      expect((await agent.patch(`/api/templates/${created.id}`, { body: 'x' })).status).toBe(403);
      expect((await remove(agent, `/api/templates/${created.id}`)).status).toBe(403);
      expect((await agent.get(`/api/templates/${created.id}`)).body.body).toContain('{{customer.name}}');
    });

    it('updates a template; the next preview renders the new version', async () => {
      const res = await supervisor.patch(`/api/templates/${created.id}`, { body: 'Bonjour {{customer.firstName}}', language: 'fr', subject: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ language: 'fr', subject: null, body: 'Bonjour {{customer.firstName}}' });
      const preview = await agent.post(`/api/templates/${created.id}/preview`, {
        context: { customer: { firstName: 'Jeanne' }, conversation: { subject: 'Tarifs', ref: 'K7F-2Q9' } },
      });
      expect(preview.body).toMatchObject({ subject: 'Re: Tarifs [#K7F-2Q9]', text: 'Bonjour Jeanne' });
    });

    it('renders for sending through the service (merge context built from plain objects)', async () => {
      const mail = await app.app.get(TemplatesService).render(
        created.id,
        buildMergeContext({ customer: { name: 'Jeanne Martin' }, conversation: { ref: 'ABC-234', subject: 'Devis' }, language: 'fr' }),
      );
      expect(mail).toMatchObject({ text: 'Bonjour Jeanne', subject: 'Re: Devis [#ABC-234]', templateName: 'Quote follow-up', language: 'fr' });
      expect(mail.attachments).toEqual([{ filename: 'prices.pdf', contentType: 'application/pdf', contentBase64: PDF }]);
    });

    it('deletes a template (supervisor)', async () => {
      const temp = await supervisor.post('/api/templates', { name: 'Temporary', language: 'en', body: 'Bye {{customer.name}}' });
      expect(temp.status).toBe(201);
      expect((await remove(supervisor, `/api/templates/${temp.body.id}`)).status).toBe(204);
      expect((await agent.get(`/api/templates/${temp.body.id}`)).status).toBe(404);
      expect((await agent.post(`/api/templates/${temp.body.id}/preview`, {})).status).toBe(404);
      expect((await remove(supervisor, `/api/templates/${temp.body.id}`)).status).toBe(404);
    });
  });

  describe('auto-reply rules', () => {
    let template: { id: string };
    let rule: { id: string };
    const input = { intent: 'information' as const, language: 'fr', subject: 'Vos tarifs ?', text: 'Bonjour, quels sont vos prix ?', mailboxId: null };

    beforeAll(async () => {
      const res = await supervisor.post('/api/templates', { name: 'Tarifs', language: 'fr', body: 'Bonjour {{customer.name}}, voici nos tarifs.' });
      template = res.body;
    });

    it('refuses a rule whose template does not exist (400) and saves nothing', async () => {
      const res = await supervisor.post('/api/auto-replies', { name: 'Prices', intents: ['information'], templateId: randomUUID() });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('AUTO_REPLY_TEMPLATE_NOT_FOUND');
      expect(await ruleCount()).toBe(0);
      const invalid = await supervisor.post('/api/auto-replies', { name: 'Prices', intents: ['gossip'], templateId: template.id });
      expect(invalid.status).toBe(400);
      expect(await ruleCount()).toBe(0);
    });

    it('refuses a rule for anything but information or quote requests (400)', async () => {
      for (const intents of [['complaint'], ['order'], ['other'], ['information', 'complaint']]) {
        const res = await supervisor.post('/api/auto-replies', { name: 'Too broad', intents, templateId: template.id });
        expect(res.status).toBe(400);
        expect(res.body.details.join(' ')).toMatch(/information or quote/);
      }
      expect(await ruleCount()).toBe(0);
    });

    it('is for supervisors only', async () => {
      expect((await agent.get('/api/auto-replies')).status).toBe(403);
      expect((await agent.post('/api/auto-replies', { name: 'x', intents: ['information'], templateId: template.id })).status).toBe(403);
    });

    it('creates, lists, matches, updates and deletes a rule', async () => {
      const res = await supervisor.post('/api/auto-replies', {
        name: 'Prices',
        intents: ['information', 'quote'],
        keywords: ['tarif', 'prix'],
        language: 'fr',
        templateId: template.id,
        closesRequest: true,
        priority: 5,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Prices', enabled: true, intents: ['information', 'quote'], keywords: ['tarif', 'prix'], language: 'fr', templateId: template.id, closesRequest: true, mailboxId: null, priority: 5 });
      rule = res.body;
      expect((await supervisor.get('/api/auto-replies')).body.map((r: { id: string }) => r.id)).toEqual([rule.id]);

      const service = app.app.get(AutoRepliesService);
      expect(await service.match(input)).toEqual({ ruleId: rule.id, ruleName: 'Prices', templateId: template.id, closesRequest: true });
      expect(await service.match({ ...input, text: 'Où en est ma commande ?', subject: 'Commande' })).toBeNull();
      const answer = await service.answer(input, { customer: { name: 'Jeanne' } });
      expect(answer?.mail.text).toBe('Bonjour Jeanne, voici nos tarifs.');

      const patch = await supervisor.patch(`/api/auto-replies/${rule.id}`, { enabled: false, keywords: [] });
      expect(patch.status).toBe(200);
      expect(patch.body).toMatchObject({ enabled: false, keywords: [] });
      expect(await service.match(input)).toBeNull(); // the cache was dropped on change

      expect((await supervisor.patch(`/api/auto-replies/${rule.id}`, { intents: ['order'] })).status).toBe(400);
      const badTemplate = await supervisor.patch(`/api/auto-replies/${rule.id}`, { templateId: randomUUID() });
      expect(badTemplate.status).toBe(400);
      const english = await supervisor.post('/api/templates', { name: 'Prices EN', language: 'en', body: 'Our prices.' });
      const mismatch = await supervisor.patch(`/api/auto-replies/${rule.id}`, { templateId: english.body.id });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.code).toBe('AUTO_REPLY_TEMPLATE_LANGUAGE_MISMATCH');
      expect((await supervisor.get(`/api/auto-replies/${rule.id}`)).body.templateId).toBe(template.id);

      // The template answers a rule: it cannot be deleted from under it.
      const inUse = await remove(supervisor, `/api/templates/${template.id}`);
      expect(inUse.status).toBe(409);
      expect(inUse.body.code).toBe('TEMPLATE_IN_USE');

      expect((await remove(supervisor, `/api/auto-replies/${rule.id}`)).status).toBe(204);
      expect((await supervisor.get(`/api/auto-replies/${rule.id}`)).status).toBe(404);
      expect(await ruleCount()).toBe(0);
      expect((await remove(supervisor, `/api/templates/${template.id}`)).status).toBe(204);
    });
  });
});

describe('two nodes sharing Postgres and Redis', () => {
  let env: TestEnvironment;
  let nodes: TestApp[];
  let db: Client;

  beforeAll(async () => {
    env = await createTestEnvironment('redis');
    nodes = await Promise.all([startTestApp(env), startTestApp(env)]);
    db = await connectPg(env.databaseUrl);
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all((nodes ?? []).map((node) => node.close()));
    await env?.dispose();
  });

  it('seed each default template exactly once when booting at the same time', async () => {
    const rows = (await db.query('SELECT lower(name) AS name, count(*)::int AS n FROM templates GROUP BY 1 ORDER BY 1')).rows;
    expect(rows).toEqual(['acknowledgement-en', 'acknowledgement-fr', 'information-en', 'information-fr'].map((name) => ({ name, n: 1 })));
  });

  it('see a rule changed on the other node at once (cache dropped through the bus)', async () => {
    const [a, b] = nodes;
    const input = { intent: 'quote' as const, language: 'en', subject: 'Quote please', text: 'How much for 3 units?', mailboxId: null };
    const onB = b.app.get(AutoRepliesService);
    expect(await onB.match(input)).toBeNull(); // B now caches "no rule"
    const template = (await a.api.get('/api/templates?language=en')).body[0];
    const created = await a.api.post('/api/auto-replies', { name: 'Quotes', intents: ['quote'], templateId: template.id });
    expect(created.status).toBe(201);
    const seen = async (expected: string | null): Promise<string | null> => {
      for (let i = 0; i < 40; i++) {
        const ruleId = (await onB.match(input))?.ruleId ?? null;
        if (ruleId === expected) return ruleId;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return (await onB.match(input))?.ruleId ?? null;
    };
    expect(await seen(created.body.id)).toBe(created.body.id);
    expect((await a.api.patch(`/api/auto-replies/${created.body.id}`, { enabled: false })).status).toBe(200);
    expect(await seen(null)).toBeNull();
  });
});
