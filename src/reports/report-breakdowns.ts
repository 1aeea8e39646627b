import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CHANNELS, Channel, isChannel } from '../tasks/channel';
import { Num, int, num } from './report-numbers';
import { ChannelCountsRow, ChannelReportRow, HourByChannelRow, QueueReportRow, ResponseTimeBucket } from './report-summary';

/** Upper bounds (inclusive, seconds) of the response-time buckets; a last bucket takes everything above. */
export const RESPONSE_TIME_BOUNDS = [10, 30, 60, 300, 900, 3600, 14_400, 86_400] as const;
const BUCKET_NAMES = ['0-10s', '10-30s', '30-60s', '1-5min', '5-15min', '15-60min', '1-4h', '4-24h', '>24h'] as const;

/** A task that entered the system (not the new task a transfer creates). Same rule as the summary. */
const NEW_CONTACT = `e.type = 'created' AND NOT (e.data ? 'transferredFrom')`;
const IN_PERIOD = `e.at >= $1 AND e.at < $2 AND ($3::text IS NULL OR e.channel = $3)`;

export interface Breakdowns {
  perChannel: ChannelReportRow[];
  perQueue: QueueReportRow[];
  perHourByChannel: HourByChannelRow[];
  responseTimeDistribution: ResponseTimeBucket[];
}

interface VolumeRow { queue_id: string | null; channel: string | null; name: string | null; queue_channel: string | null; sla_seconds: Num; received: Num; handled: Num; abandoned: Num }
interface AnswerRow { queue_id: string | null; channel: string | null; bucket: Num; answered: Num; within: Num; seconds: Num }
interface HourRow { start: Date; channel: string | null; received: Num; handled: Num; abandoned: Num }

type Figures = Omit<ChannelReportRow, 'channel' | 'averageAnswerSeconds' | 'slaMetPercent'> & { answerSeconds: number };
const zeroFigures = (): Figures => ({ received: 0, handled: 0, abandoned: 0, answered: 0, withinSla: 0, answerSeconds: 0 });
const zeroChannels = (): ChannelCountsRow => ({ voice: 0, chat: 0, email: 0 });

/**
 * The summary's breakdowns by channel, queue, hour × channel and
 * response-time bucket, from the same history and with the same rules as the
 * headline figures (a contact is counted in the queue and channel it arrived
 * in; a first response is the first accept of a contact created in the
 * period, before `to`). Postgres aggregates; only a few rows per queue,
 * channel and bucket come back, whatever the period's volume.
 */
@Injectable()
export class ReportBreakdowns {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async compute(from: Date, to: Date, channel: string | null): Promise<Breakdowns> {
    const params = [from, to, channel];
    const [volumes, answers, hours] = await Promise.all([
      this.rows<VolumeRow>(
        `SELECT e.queue_id, e.channel, q.name, q.channel AS queue_channel, q.sla_seconds,
                COUNT(*) FILTER (WHERE ${NEW_CONTACT}) AS received,
                COUNT(*) FILTER (WHERE e.type = 'completed') AS handled,
                COUNT(*) FILTER (WHERE e.type = 'abandoned') AS abandoned
           FROM task_events e LEFT JOIN queues q ON q.id = e.queue_id
          WHERE ${IN_PERIOD} AND e.type IN ('created', 'completed', 'abandoned')
          GROUP BY e.queue_id, e.channel, q.name, q.channel, q.sla_seconds`,
        params,
      ),
      this.rows<AnswerRow>(
        `WITH created AS (SELECT e.task_id, e.queue_id, e.channel, e.at FROM task_events e WHERE ${NEW_CONTACT} AND ${IN_PERIOD}),
              answered AS (
                SELECT c.queue_id, c.channel, EXTRACT(EPOCH FROM MIN(a.at) - c.at)::float8 AS seconds
                  FROM created c JOIN task_events a ON a.task_id = c.task_id AND a.type = 'assigned' AND a.at < $2
                 GROUP BY c.task_id, c.queue_id, c.channel, c.at)
         SELECT answered.queue_id, answered.channel,
                (SELECT COUNT(*) FROM unnest($4::float8[]) bound WHERE answered.seconds > bound) AS bucket,
                COUNT(*) AS answered, COUNT(*) FILTER (WHERE answered.seconds <= q.sla_seconds) AS within, SUM(answered.seconds) AS seconds
           FROM answered LEFT JOIN queues q ON q.id = answered.queue_id
          GROUP BY 1, 2, 3`,
        [...params, [...RESPONSE_TIME_BOUNDS]],
      ),
      this.rows<HourRow>(
        `SELECT date_trunc('hour', e.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, e.channel,
                COUNT(*) FILTER (WHERE ${NEW_CONTACT}) AS received,
                COUNT(*) FILTER (WHERE e.type = 'completed') AS handled,
                COUNT(*) FILTER (WHERE e.type = 'abandoned') AS abandoned
           FROM task_events e
          WHERE ${IN_PERIOD} AND e.type IN ('created', 'completed', 'abandoned')
          GROUP BY 1, 2 ORDER BY 1`,
        params,
      ),
    ]);
    return { ...byChannelAndQueue(volumes, answers), perHourByChannel: byHour(hours), responseTimeDistribution: distribution(answers) };
  }

  private async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    const rows: T[] = await this.dataSource.query(sql, params);
    return rows;
  }
}

function byChannelAndQueue(volumes: VolumeRow[], answers: AnswerRow[]): Pick<Breakdowns, 'perChannel' | 'perQueue'> {
  const channels = new Map<Channel, Figures>(CHANNELS.map((c) => [c, zeroFigures()]));
  const queues = new Map<string, { info: Pick<QueueReportRow, 'queueId' | 'name' | 'channel' | 'slaSeconds'>; figures: Figures }>();
  const queueEntry = (row: { queue_id: string | null; channel: string | null }, info?: VolumeRow) => {
    const id = row.queue_id ?? '';
    let entry = queues.get(id);
    if (!entry) {
      entry = { info: { queueId: id, name: null, channel: row.channel, slaSeconds: null }, figures: zeroFigures() };
      queues.set(id, entry);
    }
    if (info?.name != null) Object.assign(entry.info, { name: info.name, channel: info.queue_channel ?? row.channel, slaSeconds: info.sla_seconds === null ? null : int(info.sla_seconds) });
    return entry.figures;
  };
  for (const row of volumes) {
    for (const figures of [isChannel(row.channel) ? channels.get(row.channel) : undefined, queueEntry(row, row)]) {
      if (!figures) continue;
      figures.received += int(row.received);
      figures.handled += int(row.handled);
      figures.abandoned += int(row.abandoned);
    }
  }
  for (const row of answers) {
    for (const figures of [isChannel(row.channel) ? channels.get(row.channel) : undefined, queueEntry(row)]) {
      if (!figures) continue;
      figures.answered += int(row.answered);
      figures.withinSla += int(row.within);
      figures.answerSeconds += Number(row.seconds ?? 0);
    }
  }
  const finish = ({ answerSeconds, ...figures }: Figures) => ({
    ...figures,
    averageAnswerSeconds: figures.answered === 0 ? null : num(answerSeconds / figures.answered),
    slaMetPercent: figures.answered === 0 ? null : (figures.withinSla * 100) / figures.answered,
  });
  return {
    perChannel: CHANNELS.map((channel) => ({ channel, ...finish(channels.get(channel) ?? zeroFigures()) })),
    perQueue: [...queues.values()]
      .map(({ info, figures }) => ({ ...info, ...finish(figures) }))
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.queueId.localeCompare(b.queueId)),
  };
}

function byHour(rows: HourRow[]): HourByChannelRow[] {
  const hours = new Map<string, HourByChannelRow>();
  for (const row of rows) {
    const start = new Date(row.start).toISOString();
    let hour = hours.get(start);
    if (!hour) {
      hour = { start, received: zeroChannels(), handled: zeroChannels(), abandoned: zeroChannels() };
      hours.set(start, hour);
    }
    if (!isChannel(row.channel)) continue;
    hour.received[row.channel] += int(row.received);
    hour.handled[row.channel] += int(row.handled);
    hour.abandoned[row.channel] += int(row.abandoned);
  }
  return [...hours.values()];
}

function distribution(answers: AnswerRow[]): ResponseTimeBucket[] {
  const buckets: ResponseTimeBucket[] = BUCKET_NAMES.map((bucket, i) => ({
    bucket,
    minSeconds: i === 0 ? 0 : RESPONSE_TIME_BOUNDS[i - 1],
    maxSeconds: i < RESPONSE_TIME_BOUNDS.length ? RESPONSE_TIME_BOUNDS[i] : null,
    count: 0,
    byChannel: zeroChannels(),
  }));
  for (const row of answers) {
    const bucket = buckets[int(row.bucket)];
    bucket.count += int(row.answered);
    if (isChannel(row.channel)) bucket.byChannel[row.channel] += int(row.answered);
  }
  return buckets;
}
