/**
 * Task life cycle: queued → offered → assigned → wrapping → completed,
 * or canceled / abandoned / transferred.
 */
export const TASK_STATUSES = [
  'queued',
  'offered',
  'assigned',
  'wrapping',
  'completed',
  'canceled',
  'abandoned',
  'transferred',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses in which the task still needs or holds an agent. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['queued', 'offered', 'assigned', 'wrapping'];
