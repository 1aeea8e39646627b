import type { TaskView } from './contract';

/** Reads the well-known fields of `task.attributes` (set by the channels) without trusting their types. */
export const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : typeof value === 'number' ? String(value) : null);

export function customerOf(task: TaskView): string | null {
  const a = task.attributes;
  const customer = a.customer as { name?: unknown; email?: unknown } | undefined;
  return text(a.customerName) ?? text(customer?.name) ?? text(customer?.email) ?? null;
}

export const fromOf = (task: TaskView): string | null => text(task.attributes.from) ?? text(task.attributes.caller);
export const subjectOf = (task: TaskView): string | null => text(task.attributes.subject);

export function priorityReasonsOf(task: TaskView): string[] {
  const reasons = task.attributes.priorityReasons;
  return Array.isArray(reasons) ? reasons.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))) : [];
}

/** Disposition codes the agent picks when completing a task (translated as `disposition.<code>`). */
export const DISPOSITIONS = ['resolved', 'follow-up', 'escalated', 'no-action', 'wrong-queue'] as const;

/** When a call was put on hold (`attributes.heldAt`, set by the voice channel), null while it is not. */
export const heldAtOf = (task: TaskView): string | null => text(task.attributes.heldAt);

/** A short title for a tab or a banner. */
export const titleOf = (task: TaskView): string => subjectOf(task) ?? customerOf(task) ?? fromOf(task) ?? task.queue ?? task.id.slice(0, 8);
