import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AcdErrorKind, AcdException } from '../common/acd.exception';
import { ReportBreakdowns } from './report-breakdowns';
import { Num, int, num } from './report-numbers';
import { AgentReportRow, PeriodRow, ReportSummary } from './report-summary';

/** Events that end a task for good (and end an agent's hold on it). */
const TERMINAL = `('completed', 'canceled', 'abandoned', 'transferred')`;
/** A task that entered the system (not the new task a transfer creates). */
const NEW_CONTACT = `e.type = 'created' AND NOT (e.data ? 'transferredFrom')`;

/**
 * Reports over a period, computed in SQL from the durable history
 * (`task_events`, written on every change by whichever node made it; plus
 * `surveys`): the same figures whatever node asks, after any restart. Nothing
 * is kept in memory. Percentiles are continuous (linear interpolation,
 * Postgres `percentile_cont`). Days and hours are UTC.
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly breakdowns: ReportBreakdowns,
  ) {}

  async summary(fromIso: string, toIso: string, channel: string | null): Promise<ReportSummary> {
    const from = new Date(fromIso);
    const to = new Date(toIso);
    if (!(from.getTime() < to.getTime())) throw new AcdException('REPORT_BAD_PERIOD', AcdErrorKind.BadRequest, '`from` must be before `to`');
    const params = [from, to, channel];
    // $3 is null for every channel.
    const inPeriod = `e.at >= $1 AND e.at < $2 AND ($3::text IS NULL OR e.channel = $3)`;
    const [counts, backlog, response, involved, agents, perDay, perHour, csat, breakdowns] = await Promise.all([
      this.one<Record<string, Num>>(
        `SELECT COUNT(*) FILTER (WHERE ${NEW_CONTACT}) AS received,
                COUNT(*) FILTER (WHERE e.type = 'completed') AS handled,
                COUNT(*) FILTER (WHERE e.type = 'abandoned') AS abandoned,
                COUNT(*) FILTER (WHERE e.type = 'canceled') AS canceled,
                COUNT(*) FILTER (WHERE e.type = 'transferred') AS transferred,
                COUNT(*) FILTER (WHERE e.type = 'transferred' AND COALESCE(e.data->>'note', '') <> '') AS escalated
           FROM task_events e WHERE ${inPeriod}`,
        params,
      ),
      this.one<{ unhandled: Num }>(
        `SELECT COUNT(*) AS unhandled FROM (
           SELECT e.task_id FROM task_events e
            WHERE e.at < $1 AND ($2::text IS NULL OR e.channel = $2)
            GROUP BY e.task_id
           HAVING bool_or(e.type = 'created') AND NOT bool_or(e.type IN ${TERMINAL})) open_tasks`,
        [to, channel],
      ),
      this.one<{ answered: Num; average: Num; median: Num; p90: Num; within: Num }>(
        `WITH created AS (SELECT e.task_id, e.queue_id, e.at FROM task_events e WHERE ${NEW_CONTACT} AND ${inPeriod}),
              answered AS (
                SELECT c.task_id, c.queue_id, EXTRACT(EPOCH FROM MIN(a.at) - c.at)::float8 AS seconds
                  FROM created c JOIN task_events a ON a.task_id = c.task_id AND a.type = 'assigned' AND a.at < $2
                 GROUP BY c.task_id, c.queue_id, c.at)
         SELECT COUNT(*) AS answered, AVG(seconds) AS average,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90,
                COUNT(*) FILTER (WHERE seconds <= q.sla_seconds) AS within
           FROM answered LEFT JOIN queues q ON q.id = answered.queue_id`,
        params,
      ),
      this.one<{ agents: Num }>(`SELECT COUNT(DISTINCT e.agent_id) AS agents FROM task_events e WHERE e.type = 'assigned' AND ${inPeriod}`, params),
      this.agentRows(params),
      this.periodRows('day', params),
      this.periodRows('hour', params),
      this.one<Record<string, Num>>(
        `SELECT COUNT(*) AS responses, AVG(score)::float8 AS average,
                COUNT(*) FILTER (WHERE score = 1) AS s1, COUNT(*) FILTER (WHERE score = 2) AS s2, COUNT(*) FILTER (WHERE score = 3) AS s3,
                COUNT(*) FILTER (WHERE score = 4) AS s4, COUNT(*) FILTER (WHERE score = 5) AS s5
           FROM surveys s WHERE s.answered_at >= $1 AND s.answered_at < $2 AND ($3::text IS NULL OR s.channel = $3)`,
        params,
      ),
      this.breakdowns.compute(from, to, channel),
    ]);
    const answered = int(response.answered);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      channel,
      received: int(counts.received),
      handled: int(counts.handled),
      unhandled: int(backlog.unhandled),
      abandoned: int(counts.abandoned),
      canceled: int(counts.canceled),
      transferred: int(counts.transferred),
      escalated: int(counts.escalated),
      firstResponse: { answered, averageSeconds: num(response.average), medianSeconds: num(response.median), p90Seconds: num(response.p90) },
      slaMetPercent: answered === 0 ? null : (int(response.within) * 100) / answered,
      agentsInvolved: int(involved.agents),
      agents,
      perDay,
      perHour,
      csat: {
        responses: int(csat.responses),
        averageScore: num(csat.average),
        distribution: { '1': int(csat.s1), '2': int(csat.s2), '3': int(csat.s3), '4': int(csat.s4), '5': int(csat.s5) },
      },
      ...breakdowns,
    };
  }

  /**
   * Per agent: tasks completed in the period, average handle time (the
   * agent's last accept of the task → its completion), and occupancy: the
   * union of the agent's holds (accept → the task's end, or `to`), clipped to
   * the period, over the period's length. (Presence is not kept as a history,
   * so occupancy is over the period, not over logged-in time.)
   */
  private async agentRows(params: unknown[]): Promise<AgentReportRow[]> {
    const rows: Array<{ agent_id: string; name: string | null; handled: Num; aht: Num; busy: Num }> = await this.dataSource.query(
      `WITH hold_ends AS (
         SELECT a.agent_id, a.at AS start_at,
                COALESCE((SELECT MIN(t.at) FROM task_events t WHERE t.task_id = a.task_id AND t.type IN ${TERMINAL} AND t.at >= a.at), $2) AS end_at
           FROM task_events a
          WHERE a.type = 'assigned' AND a.at < $2 AND a.agent_id IS NOT NULL AND ($3::text IS NULL OR a.channel = $3)),
       holds AS (
         SELECT agent_id, tstzrange(GREATEST(start_at, $1), LEAST(end_at, $2)) AS span FROM hold_ends WHERE end_at > $1),
       busy AS (
         SELECT agent_id, SUM(EXTRACT(EPOCH FROM upper(r) - lower(r)))::float8 AS seconds
           FROM (SELECT agent_id, unnest(range_agg(span)) AS r FROM holds WHERE NOT isempty(span) GROUP BY agent_id) merged
          GROUP BY agent_id),
       done AS (
         SELECT c.agent_id, EXTRACT(EPOCH FROM c.at - (
                  SELECT MAX(a.at) FROM task_events a WHERE a.task_id = c.task_id AND a.type = 'assigned' AND a.agent_id = c.agent_id AND a.at <= c.at))::float8 AS seconds
           FROM task_events c
          WHERE c.type = 'completed' AND c.at >= $1 AND c.at < $2 AND c.agent_id IS NOT NULL AND ($3::text IS NULL OR c.channel = $3)),
       handled AS (SELECT agent_id, COUNT(*) AS handled, AVG(seconds) AS aht FROM done GROUP BY agent_id)
       SELECT COALESCE(h.agent_id, b.agent_id) AS agent_id, ag.name, COALESCE(h.handled, 0) AS handled, h.aht, COALESCE(b.seconds, 0) AS busy
         FROM handled h FULL JOIN busy b ON b.agent_id = h.agent_id
         LEFT JOIN agents ag ON ag.id = COALESCE(h.agent_id, b.agent_id)
        ORDER BY ag.name NULLS LAST, 1`,
      params,
    );
    const periodSeconds = ((params[1] as Date).getTime() - (params[0] as Date).getTime()) / 1000;
    return rows.map((row) => ({
      agentId: row.agent_id,
      name: row.name,
      handled: int(row.handled),
      averageHandleSeconds: num(row.aht),
      occupancy: Number(row.busy ?? 0) / periodSeconds,
    }));
  }

  private async periodRows(unit: 'day' | 'hour', params: unknown[]): Promise<PeriodRow[]> {
    const rows: Array<{ start: Date; received: Num; handled: Num; abandoned: Num }> = await this.dataSource.query(
      `SELECT date_trunc('${unit}', e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start,
              COUNT(*) FILTER (WHERE ${NEW_CONTACT}) AS received,
              COUNT(*) FILTER (WHERE e.type = 'completed') AS handled,
              COUNT(*) FILTER (WHERE e.type = 'abandoned') AS abandoned
         FROM task_events e
        WHERE e.at >= $1 AND e.at < $2 AND ($3::text IS NULL OR e.channel = $3) AND e.type IN ('created', 'completed', 'abandoned')
        GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((row) => ({ start: new Date(row.start).toISOString(), received: int(row.received), handled: int(row.handled), abandoned: int(row.abandoned) }));
  }

  private async one<T>(sql: string, params: unknown[]): Promise<T> {
    const rows: T[] = await this.dataSource.query(sql, params);
    return rows[0];
  }
}
