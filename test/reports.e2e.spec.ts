import { DataSource } from 'typeorm';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { connectPg } from '../src/database/embedded-postgres';
import { SurveysService, CreatedSurvey } from '../src/surveys/surveys.service';
import { ApiClient } from './support/api-client';
import { TestApp, TestEnvironment, availableAgent, createAgent, createQueue, createTask, createTestEnvironment, startTestApp } from './support/test-app';

/**
 * Reports against a hand-computed scenario: a known event history is written
 * straight into `task_events` (as the app writes it) on a day of its own, and
 * every figure is checked against the values worked out by hand below. Then
 * the app restarts and gives the same figures (nothing is kept in memory).
 */
describe('reports, quality review and surveys', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let db: Client;
  let voice: { id: string; name: string };
  let email: { id: string; name: string };
  let A: { id: string };
  let B: { id: string };
  const ids: Record<string, string> = {};
  const DAY = '2020-03-02';
  const at = (time: string, day = DAY) => new Date(`${day}T${time}Z`);
  const period = `from=${DAY}T00:00:00Z&to=2020-03-03T00:00:00Z`;

  const event = async (task: string, type: string, time: Date, extra: { agent?: string; channel?: string; data?: object } = {}) => {
    ids[task] ??= randomUUID();
    const channel = extra.channel ?? (task.startsWith('E') || task === 'T6' ? 'email' : 'voice');
    await db.query(`INSERT INTO task_events (task_id, type, queue_id, agent_id, channel, at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      ids[task],
      type,
      channel === 'voice' ? voice.id : email.id,
      extra.agent ?? null,
      channel,
      time,
      JSON.stringify(extra.data ?? {}),
    ]);
  };

  beforeAll(async () => {
    env = await createTestEnvironment('memory');
    app = await startTestApp(env);
    db = await connectPg(env.databaseUrl);
    voice = await createQueue(app, { channel: 'voice', slaSeconds: 20 });
    email = await createQueue(app, { channel: 'email', slaSeconds: 3600 });
    A = await createAgent(app, { name: 'Alice Report' });
    B = await createAgent(app, { name: 'Bob Report' });
    // T1: answered after 10 s, handled 300 s by A.
    await event('T1', 'created', at('09:00:00'));
    await event('T1', 'assigned', at('09:00:10'), { agent: A.id });
    await event('T1', 'completed', at('09:05:10'), { agent: A.id });
    // E: an email answered after 60 s, handled 120 s by A while A was on T1 (busy time is not counted twice).
    await event('E', 'created', at('09:01:00'));
    await event('E', 'assigned', at('09:02:00'), { agent: A.id });
    await event('E', 'completed', at('09:04:00'), { agent: A.id });
    // T2: answered after 30 s (SLA missed), handled 120 s by A.
    await event('T2', 'created', at('09:10:00'));
    await event('T2', 'assigned', at('09:10:30'), { agent: A.id });
    await event('T2', 'completed', at('09:12:30'), { agent: A.id });
    // T3: answered after 5 s by B, escalated after 60 s; its new task T3b is handled 120 s by A.
    await event('T3', 'created', at('10:00:00'));
    await event('T3', 'assigned', at('10:00:05'), { agent: B.id });
    await event('T3', 'transferred', at('10:01:05'), { agent: B.id, data: { note: 'to billing', newTaskId: 'x' } });
    await event('T3b', 'created', at('10:01:05'), { data: { transferredFrom: 'T3' } });
    await event('T3b', 'assigned', at('10:02:05'), { agent: A.id });
    await event('T3b', 'completed', at('10:04:05'), { agent: A.id });
    // T4: abandoned after 40 s.
    await event('T4', 'created', at('11:00:00'));
    await event('T4', 'abandoned', at('11:00:40'));
    // T5: answered after 60 s by B, handled 600 s.
    await event('T5', 'created', at('11:30:00'));
    await event('T5', 'assigned', at('11:31:00'), { agent: B.id });
    await event('T5', 'completed', at('11:41:00'), { agent: B.id });
    // T6: an email still waiting at the end of the day.
    await event('T6', 'created', at('23:00:00'));
    // T7: created the day before, handled 1800 s by A this morning.
    await event('T7', 'created', at('22:00:00', '2020-03-01'));
    await event('T7', 'assigned', at('08:00:00'), { agent: A.id });
    await event('T7', 'completed', at('08:30:00'), { agent: A.id });
    // Two answered surveys (email), and one answered the next day (outside the period).
    for (const [score, time] of [[4, at('12:00:00')], [5, at('13:00:00')], [1, at('01:00:00', '2020-03-03')]] as const) {
      await db.query(`INSERT INTO surveys (token, task_id, channel, created_at, answered_at, score) VALUES ($1, $2, 'email', $3, $3, $4)`, [
        randomUUID(),
        randomUUID(),
        time,
        score,
      ]);
    }
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    await env?.dispose();
  });

  /*
   * By hand, for 2020-03-02 (all channels):
   *  received  = T1 E T2 T3 T4 T5 T6 = 7 (T3b is a transfer, not a contact; T7 arrived the day before)
   *  handled   = T7 T1 E T2 T3b T5 = 6; abandoned 1; transferred 1, escalated 1 (it has a note)
   *  unhandled = T6 = 1
   *  first response (created in the period, answered): T3 5, T1 10, T2 30, E 60, T5 60
   *    average 165/5 = 33; median 30; p90 at rank 0.9·4 = 3.6 → 60 + 0.6·(60−60) = 60
   *    within SLA: T3, T1 (≤ 20 s), E (≤ 3600 s) → 3/5 = 60 %
   *  A: handled T7 T1 E T2 T3b = 5, AHT (1800+300+120+120+120)/5 = 492,
   *     busy 1800+300+120+120 = 2340 s (E inside T1) → occupancy 2340/86400
   *  B: handled T5 = 1, AHT 600, busy 60+600 = 660 s → 660/86400
   * Voice only: received 5, handled 5, unhandled 0, first responses 5 10 30 60:
   *    average 26.25, median 20, p90 at 2.7 → 30 + 0.7·30 = 51, SLA 2/4 = 50 %
   * Per channel (and per queue: one queue per channel here):
   *  voice: received 5, handled 5 (T7 T1 T2 T3b T5), abandoned 1, answered 4 (5 10 30 60), within 2, average 26.25, 50 %
   *  email: received 2 (E T6), handled 1, answered 1 (60 s ≤ 3600), average 60, 100 %; chat: nothing, no SLA figure
   * Per hour and channel (received / handled / abandoned):
   *  08 handled voice 1 (T7); 09 received voice 2 email 1, handled voice 2 email 1;
   *  10 received voice 1, handled voice 1 (T3b); 11 received voice 2, handled voice 1, abandoned voice 1; 23 received email 1
   * Response-time buckets (upper bound inclusive): 0-10s T3 5, T1 10 → 2 (voice); 10-30s T2 30 → 1 (voice);
   *  30-60s E 60 (email), T5 60 (voice) → 2; every other bucket 0
   */
  const channels = (counts: Partial<Record<'voice' | 'chat' | 'email', number>>) => ({ voice: 0, chat: 0, email: 0, ...counts });
  const NO_ANSWER = { answered: 0, withinSla: 0, averageAnswerSeconds: null, slaMetPercent: null };
  const VOICE_FIGURES = { received: 5, handled: 5, abandoned: 1, answered: 4, withinSla: 2, averageAnswerSeconds: 26.25, slaMetPercent: 50 };
  const EMAIL_FIGURES = { received: 2, handled: 1, abandoned: 0, answered: 1, withinSla: 1, averageAnswerSeconds: 60, slaMetPercent: 100 };
  const buckets = (counts: Record<string, Partial<Record<'voice' | 'chat' | 'email', number>>>) =>
    (['0-10s', '10-30s', '30-60s', '1-5min', '5-15min', '15-60min', '1-4h', '4-24h', '>24h'] as const).map((bucket, i) => {
      const byChannel = channels(counts[bucket] ?? {});
      const bounds = [0, 10, 30, 60, 300, 900, 3600, 14400, 86400];
      return { bucket, minSeconds: bounds[i], maxSeconds: bounds[i + 1] ?? null, count: byChannel.voice + byChannel.chat + byChannel.email, byChannel };
    });
  const expectBreakdowns = (report: any) => {
    expect(report.perChannel).toEqual([
      { channel: 'voice', ...VOICE_FIGURES },
      { channel: 'chat', received: 0, handled: 0, abandoned: 0, ...NO_ANSWER },
      { channel: 'email', ...EMAIL_FIGURES },
    ]);
    expect(report.perQueue).toHaveLength(2);
    const byQueue = Object.fromEntries(report.perQueue.map((row: any) => [row.queueId, row]));
    expect(byQueue[voice.id]).toEqual({ queueId: voice.id, name: voice.name, channel: 'voice', slaSeconds: 20, ...VOICE_FIGURES });
    expect(byQueue[email.id]).toEqual({ queueId: email.id, name: email.name, channel: 'email', slaSeconds: 3600, ...EMAIL_FIGURES });
    const none = { received: channels({}), handled: channels({}), abandoned: channels({}) };
    expect(report.perHourByChannel).toEqual([
      { start: `${DAY}T08:00:00.000Z`, ...none, handled: channels({ voice: 1 }) },
      { start: `${DAY}T09:00:00.000Z`, ...none, received: channels({ voice: 2, email: 1 }), handled: channels({ voice: 2, email: 1 }) },
      { start: `${DAY}T10:00:00.000Z`, ...none, received: channels({ voice: 1 }), handled: channels({ voice: 1 }) },
      { start: `${DAY}T11:00:00.000Z`, received: channels({ voice: 2 }), handled: channels({ voice: 1 }), abandoned: channels({ voice: 1 }) },
      { start: `${DAY}T23:00:00.000Z`, ...none, received: channels({ email: 1 }) },
    ]);
    expect(report.responseTimeDistribution).toEqual(buckets({ '0-10s': { voice: 2 }, '10-30s': { voice: 1 }, '30-60s': { voice: 1, email: 1 } }));
  };

  const expectDay = (report: any) => {
    expect(report).toMatchObject({
      received: 7,
      handled: 6,
      unhandled: 1,
      abandoned: 1,
      canceled: 0,
      transferred: 1,
      escalated: 1,
      firstResponse: { answered: 5, averageSeconds: 33, medianSeconds: 30, p90Seconds: 60 },
      slaMetPercent: 60,
      agentsInvolved: 2,
      csat: { responses: 2, averageScore: 4.5, distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 1 } },
    });
    const byId = Object.fromEntries(report.agents.map((row: any) => [row.agentId, row]));
    expect(byId[A.id]).toEqual({ agentId: A.id, name: 'Alice Report', handled: 5, averageHandleSeconds: 492, occupancy: 2340 / 86400 });
    expect(byId[B.id]).toEqual({ agentId: B.id, name: 'Bob Report', handled: 1, averageHandleSeconds: 600, occupancy: 660 / 86400 });
    expect(report.perDay).toEqual([{ start: `${DAY}T00:00:00.000Z`, received: 7, handled: 6, abandoned: 1 }]);
    expect(report.perHour).toEqual([
      { start: `${DAY}T08:00:00.000Z`, received: 0, handled: 1, abandoned: 0 },
      { start: `${DAY}T09:00:00.000Z`, received: 3, handled: 3, abandoned: 0 },
      { start: `${DAY}T10:00:00.000Z`, received: 1, handled: 1, abandoned: 0 },
      { start: `${DAY}T11:00:00.000Z`, received: 2, handled: 1, abandoned: 1 },
      { start: `${DAY}T23:00:00.000Z`, received: 1, handled: 0, abandoned: 0 },
    ]);
    expectBreakdowns(report);
  };

  it('computes every figure of a hand-computed day exactly', async () => {
    const res = await app.api.get(`/api/reports/summary?${period}`);
    expect(res.status).toBe(200);
    expectDay(res.body);
  });

  it('filters by channel', async () => {
    const res = await app.api.get(`/api/reports/summary?${period}&channel=voice`);
    expect(res.body).toMatchObject({
      received: 5,
      handled: 5,
      unhandled: 0,
      firstResponse: { answered: 4, averageSeconds: 26.25, medianSeconds: 20, p90Seconds: 51 },
      slaMetPercent: 50,
      csat: { responses: 0, averageScore: null },
    });
    expect(res.body.perChannel).toEqual([
      { channel: 'voice', ...VOICE_FIGURES },
      { channel: 'chat', received: 0, handled: 0, abandoned: 0, ...NO_ANSWER },
      { channel: 'email', received: 0, handled: 0, abandoned: 0, ...NO_ANSWER },
    ]);
    expect(res.body.perQueue.map((row: any) => row.queueId)).toEqual([voice.id]);
    expect(res.body.perHourByChannel.map((row: any) => row.received.email + row.handled.email + row.abandoned.email)).toEqual([0, 0, 0, 0]);
    expect(res.body.responseTimeDistribution).toEqual(buckets({ '0-10s': { voice: 2 }, '10-30s': { voice: 1 }, '30-60s': { voice: 1 } }));
  });

  it('answers CSV with Accept: text/csv', async () => {
    const res = await app.api.get(`/api/reports/summary?${period}`, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (res.body as string).trim().split('\n');
    expect(lines[0]).toBe('section,key,metric,value');
    expect(lines).toEqual(expect.arrayContaining(['summary,,received,7', 'summary,,firstResponseP90Seconds,60', 'summary,,slaMetPercent,60', `agent,Alice Report (${A.id}),averageHandleSeconds,492`, `hour,${DAY}T09:00:00.000Z,received,3`, 'csat,,averageScore,4.5']));
    expect(lines).toEqual(
      expect.arrayContaining([
        'channel,voice,slaMetPercent,50',
        'channel,email,averageAnswerSeconds,60',
        'channel,chat,slaMetPercent,',
        `queue,${voice.name} (${voice.id}),withinSla,2`,
        `hourByChannel,${DAY}T09:00:00.000Z,received.email,1`,
        'responseTime,30-60s,count,2',
        'responseTime,30-60s,count.email,1',
        'responseTime,>24h,count,0',
      ]),
    );
  });

  it('rejects a bad period and is for supervisors only', async () => {
    expect((await app.api.get('/api/reports/summary?from=2020-03-03T00:00:00Z&to=2020-03-02T00:00:00Z')).status).toBe(400);
    expect((await app.api.get('/api/reports/summary?from=yesterday&to=2020-03-02T00:00:00Z')).status).toBe(400);
    expect((await app.api.get(`/api/reports/summary?${period}&channel=fax`)).status).toBe(400);
    const agent = await createAgent(app);
    expect((await app.api.as(agent.token).get(`/api/reports/summary?${period}`)).status).toBe(403);
  });

  it('picks random handled tasks for quality review and records scores', async () => {
    const sample = await app.api.post('/api/quality/samples', { from: `${DAY}T00:00:00Z`, to: '2020-03-03T00:00:00Z', count: 4 });
    expect(sample.status).toBe(201);
    const handled = ['T7', 'T1', 'E', 'T2', 'T3b', 'T5'].map((name) => ids[name]);
    expect(sample.body.tasks).toHaveLength(4);
    expect(new Set(sample.body.tasks.map((t: any) => t.taskId)).size).toBe(4);
    for (const task of sample.body.tasks) expect(handled).toContain(task.taskId);
    const onlyB = await app.api.post('/api/quality/samples', { from: `${DAY}T00:00:00Z`, to: '2020-03-03T00:00:00Z', count: 10, agentId: B.id });
    expect(onlyB.body.tasks.map((t: any) => t.taskId)).toEqual([ids.T5]);
    const review = await app.api.post('/api/quality/reviews', { taskId: ids.T5, sampleId: onlyB.body.id, score: 85, criteria: { greeting: 90, accuracy: 80 }, comment: 'clear' });
    expect(review.status).toBe(201);
    expect(review.body).toMatchObject({ taskId: ids.T5, agentId: B.id, score: 85, criteria: { greeting: 90, accuracy: 80 } });
    expect((await app.api.post('/api/quality/reviews', { taskId: ids.T4, score: 50 })).status).toBe(404);
    expect((await app.api.post('/api/quality/reviews', { taskId: ids.T5, score: 101 })).status).toBe(400);
    expect((await app.api.get(`/api/quality/reviews?agentId=${B.id}`)).body.map((r: any) => r.id)).toEqual([review.body.id]);

    // A sample reads back with its tasks' agent, queue and latest review in it; the list counts what was reviewed.
    const read = await app.api.get(`/api/quality/samples/${onlyB.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.tasks).toEqual([
      expect.objectContaining({ taskId: ids.T5, agentId: B.id, review: expect.objectContaining({ id: review.body.id, score: 85, comment: 'clear' }) }),
    ]);
    expect(sample.body.tasks.every((t: any) => t.review === null && t.agentId)).toBe(true);
    const list = (await app.api.get('/api/quality/samples')).body;
    expect(list.find((s: any) => s.id === onlyB.body.id)).toMatchObject({ picked: 1, reviewed: 1, requested: 10 });
    expect(list.find((s: any) => s.id === sample.body.id)).toMatchObject({ picked: 4, reviewed: 0 });
    expect((await app.api.get('/api/quality/samples/00000000-0000-4000-8000-000000000000')).body).toMatchObject({ code: 'QUALITY_SAMPLE_NOT_FOUND' });
    // A review names its sample only for a task picked in it.
    const outside = sample.body.tasks.find((t: any) => t.taskId !== ids.T5)?.taskId ?? ids.T1;
    expect((await app.api.post('/api/quality/reviews', { taskId: outside, sampleId: onlyB.body.id, score: 70 })).body).toMatchObject({ code: 'QUALITY_TASK_NOT_IN_SAMPLE' });
  });

  it('sends a survey after a completed email, records the answer once, and reports it', async () => {
    const surveys = app.app.get(SurveysService);
    const created: CreatedSurvey[] = [];
    surveys.onCreated((survey) => void created.push(survey));
    const queue = await createQueue(app, { channel: 'email', skills: ['csat'] });
    const agent = await createAgent(app, { skills: { csat: 5 }, capacity: { voice: 0, chat: 0, email: 1 } });
    const socket = await availableAgent(app, agent);
    try {
      const task = await createTask(app, { channel: 'email', queue: queue.id });
      const offer = await socket.next('offer', (o) => o.task.id === task.id);
      await socket.emit('offer:accept', { offerId: offer.offerId });
      await socket.emit('task:complete', { taskId: task.id });
      for (let i = 0; i < 50 && created.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ taskId: task.id, channel: 'email', agentId: agent.id });
      const link = created[0].link;
      expect(link).toMatch(/^\/api\/surveys\/[A-Za-z0-9_-]{40,}$/);
      const visitor = new ApiClient(app.url);
      expect((await visitor.get(link)).body).toMatchObject({ answered: false, scale: [1, 2, 3, 4, 5] });
      expect((await visitor.post(link, { score: 6 })).status).toBe(400);
      expect((await visitor.post(link, { score: 2, comment: 'slow' })).status).toBe(200);
      expect((await visitor.post(link, { score: 5 })).status).toBe(409);
      expect((await visitor.get('/api/surveys/not-a-token')).status).toBe(404);
      // Asking again (a supervisor) gives the same survey, no second one.
      expect((await app.api.post('/api/surveys', { taskId: task.id })).body.token).toBe(created[0].token);
      const today = new Date();
      const from = new Date(today.getTime() - 3600_000).toISOString();
      const to = new Date(today.getTime() + 3600_000).toISOString();
      const res = await app.api.get(`/api/reports/summary?from=${from}&to=${to}&channel=email`);
      expect(res.status).toBe(200);
      const report = res.body;
      expect(report.csat).toMatchObject({ responses: 1, averageScore: 2 });
      expect(report.handled).toBeGreaterThanOrEqual(1);

      // A task created with `attributes.survey: false` gets none.
      const quiet = await createTask(app, { channel: 'email', queue: queue.id, attributes: { survey: false } });
      const quietOffer = await socket.next('offer', (o) => o.task.id === quiet.id);
      await socket.emit('offer:accept', { offerId: quietOffer.offerId });
      await socket.emit('task:complete', { taskId: quiet.id });
      await new Promise((r) => setTimeout(r, 500));
      expect(created.map((c) => c.taskId)).toEqual([task.id]);
      const rows = await app.app.get(DataSource).query(`SELECT count(*)::int AS n FROM surveys WHERE task_id = $1`, [quiet.id]);
      expect(rows[0].n).toBe(0);
    } finally {
      socket.close();
    }
  });

  it('gives the same figures after a restart (computed from the durable history)', async () => {
    await app.close();
    app = await startTestApp(env);
    expectDay((await app.api.get(`/api/reports/summary?${period}`)).body);
  });
});
