/**
 * Queue order without rescoring: each task is scored by a virtual deadline,
 *
 *     score = enqueuedAt + slaMs / (1 + priority)
 *
 * and the lowest score is served first. Within one queue and priority this is
 * plain FIFO; a higher priority pulls the deadline forward; across channels the
 * SLA scales the wait, so a 24 h email that has waited 23 h 59 min 50 s
 * outranks a 20 s call that just arrived: effective priority grows with waiting
 * time relative to the SLA, email never starves, and no score ever changes
 * while a task waits.
 */
export const MAX_PRIORITY = 100;

export function virtualDeadline(enqueuedAtMs: number, slaSeconds: number, priority: number): number {
  const p = Math.min(MAX_PRIORITY, Math.max(0, priority));
  return enqueuedAtMs + (slaSeconds * 1000) / (1 + p);
}
