/**
 * Response shapes of /api/quality (type-only, no runtime import: the web
 * client imports them too, so a change here breaks its build, not its screen).
 */

/** The latest review of a sampled task within its sample. */
export interface SampledTaskReview {
  id: string;
  score: number;
  criteria: Record<string, number>;
  comment: string | null;
  reviewerId: string | null;
  createdAt: string;
}

export interface SampledTask {
  taskId: string;
  /** The agent who completed it (the one reviewed). */
  agentId: string | null;
  agentName: string | null;
  channel: string | null;
  queueId: string | null;
  queue: string | null;
  completedAt: string;
  disposition: string | null;
  /** `attributes.subject` / `attributes.from` of the task, when it has them. */
  subject: string | null;
  from: string | null;
  review: SampledTaskReview | null;
}

export interface QualitySampleView {
  id: string;
  createdAt: string;
  createdBy: string | null;
  from: string;
  to: string;
  channel: string | null;
  requested: number;
  tasks: SampledTask[];
}

/** An item of `GET /api/quality/samples`. */
export interface QualitySampleSummary {
  id: string;
  createdAt: string;
  createdBy: string | null;
  from: string;
  to: string;
  channel: string | null;
  requested: number;
  picked: number;
  reviewed: number;
}

export interface QualityReviewView {
  id: string;
  taskId: string;
  sampleId: string | null;
  agentId: string | null;
  reviewerId: string | null;
  score: number;
  criteria: Record<string, number>;
  comment: string | null;
  createdAt: string;
}
