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
