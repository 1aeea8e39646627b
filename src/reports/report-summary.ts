import type { Channel } from '../tasks/channel';

/** `GET /api/reports/summary`: every figure of a period, computed from the durable task event history. */
export interface ReportSummary {
  from: string;
  to: string;
  channel: string | null;
  /** Tasks that entered the system in the period (a transfer's new task is not a new contact). */
  received: number;
  /** Tasks completed by an agent in the period. */
  handled: number;
  /** Tasks open at `to`: created before it, not completed, canceled, abandoned nor transferred by then. */
  unhandled: number;
  abandoned: number;
  canceled: number;
  transferred: number;
  /** Transfers carrying a note (moved to another service with an explanation). */
  escalated: number;
  /** Created in the period → first accepted by an agent (seconds); over the tasks answered before `to`. */
  firstResponse: { answered: number; averageSeconds: number | null; medianSeconds: number | null; p90Seconds: number | null };
  /** Share (0..100) of the answered tasks answered within their queue's SLA; null when none. */
  slaMetPercent: number | null;
  agentsInvolved: number;
  agents: AgentReportRow[];
  perDay: PeriodRow[];
  perHour: PeriodRow[];
  csat: { responses: number; averageScore: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  /** The same figures per channel, always the three channels (zeros outside a channel filter). */
  perChannel: ChannelReportRow[];
  /** Per queue that saw a contact, a completion or an abandon in the period (ordered by name). */
  perQueue: QueueReportRow[];
  /** `perHour` split by channel: the hours of `perHour`, each with a count per channel. */
  perHourByChannel: HourByChannelRow[];
  /** First responses (the population of `firstResponse`) in fixed buckets, from 0-10 s to over 24 h. */
  responseTimeDistribution: ResponseTimeBucket[];
}

/** Counts of one figure per channel. */
export type ChannelCountsRow = Record<Channel, number>;

export interface ChannelReportRow {
  channel: Channel;
  received: number;
  handled: number;
  abandoned: number;
  /** First responses (as in `firstResponse`) of the channel's contacts, and how many within their queue's SLA. */
  answered: number;
  withinSla: number;
  averageAnswerSeconds: number | null;
  /** 0..100; null when nothing was answered. */
  slaMetPercent: number | null;
}

export interface QueueReportRow extends Omit<ChannelReportRow, 'channel'> {
  queueId: string;
  name: string | null;
  channel: string | null;
  slaSeconds: number | null;
}

export interface HourByChannelRow {
  /** Start of the hour, UTC, ISO 8601 (the same hours as `perHour`). */
  start: string;
  received: ChannelCountsRow;
  handled: ChannelCountsRow;
  abandoned: ChannelCountsRow;
}

export interface ResponseTimeBucket {
  /** `0-10s`, `10-30s`, `30-60s`, `1-5min`, `5-15min`, `15-60min`, `1-4h`, `4-24h`, `>24h`. */
  bucket: string;
  /** A first response of `s` seconds falls in the bucket where minSeconds < s <= maxSeconds (the first one includes 0; the last has no maximum). */
  minSeconds: number;
  maxSeconds: number | null;
  count: number;
  byChannel: ChannelCountsRow;
}

export interface AgentReportRow {
  agentId: string;
  name: string | null;
  handled: number;
  /** Accepted → completed, averaged over the tasks the agent completed in the period (seconds). */
  averageHandleSeconds: number | null;
  /** Share (0..1) of the period during which the agent held at least one accepted task. */
  occupancy: number;
}

export interface PeriodRow {
  /** Start of the day or hour, UTC, ISO 8601. */
  start: string;
  received: number;
  handled: number;
  abandoned: number;
}
