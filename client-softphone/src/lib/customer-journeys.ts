import { api, isMissing } from './api';
import type { CustomerJourney, TaskView } from './contract';
import { Store } from './store';
import { customerOf, fromOf, subjectOf, text } from './task-fields';

export type JourneyEntry =
  | { status: 'loading' }
  | { status: 'ready'; journey: CustomerJourney }
  /** The server has no journey endpoint (404 on the route itself, or an unknown customer). */
  | { status: 'missing' }
  | { status: 'error'; message: string };

/** The customer a task names (`attributes.customerId`, set by the voice and chat channels, or `attributes.customer.id`). */
export function customerIdOf(task: TaskView): string | null {
  const customer = task.attributes.customer as { id?: unknown } | undefined;
  return text(task.attributes.customerId) ?? text(customer?.id);
}

/**
 * Customer journeys (`GET /api/customers/:id/journey`), one per customer,
 * shared by every component that shows the customer: the journey panel, the
 * call card (the caller's name) and the tab titles. A journey is read again
 * when the caller asks with a new `version` (the task's status changed: its
 * outcome may have too); an answer older than the latest request is dropped.
 */
export class CustomerJourneys extends Store {
  private readonly entries = new Map<string, JourneyEntry>();
  private readonly versions = new Map<string, string>();
  private readonly requests = new Map<string, number>();

  get(customerId: string): JourneyEntry | null {
    return this.entries.get(customerId) ?? null;
  }

  /** The customer's name, once the journey is loaded. */
  nameOf(customerId: string | null): string | null {
    const entry = customerId ? this.entries.get(customerId) : undefined;
    return entry?.status === 'ready' ? text(entry.journey.customer.name) : null;
  }

  /** Loads the journey unless it was loaded for this version already. */
  ensure(customerId: string, version: string): void {
    if (this.versions.get(customerId) === version) return;
    this.versions.set(customerId, version);
    const request = (this.requests.get(customerId) ?? 0) + 1;
    this.requests.set(customerId, request);
    if (!this.entries.has(customerId)) this.entries.set(customerId, { status: 'loading' });
    api<CustomerJourney>('GET', `/api/customers/${encodeURIComponent(customerId)}/journey`)
      .then((journey): JourneyEntry => ({ status: 'ready', journey }))
      .catch((error: unknown): JourneyEntry => {
        if (isMissing(error)) return { status: 'missing' };
        console.warn('customer journey not loaded', error);
        return { status: 'error', message: error instanceof Error ? error.message : String(error) };
      })
      .then((entry) => {
        if (this.requests.get(customerId) !== request) return;
        this.entries.set(customerId, entry);
        this.changed();
      });
  }

  clear(): void {
    this.entries.clear();
    this.versions.clear();
    this.requests.clear();
  }
}

export const customerJourneys = new CustomerJourneys();

/** A short title for a tab: the subject, else who the customer is (named by the task or by its journey), else the queue. */
export const taskTitle = (task: TaskView): string =>
  subjectOf(task) ?? customerOf(task) ?? customerJourneys.nameOf(customerIdOf(task)) ?? fromOf(task) ?? task.queue ?? task.id.slice(0, 8);
