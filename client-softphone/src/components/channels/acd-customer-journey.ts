import { html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { JourneyContact, TaskView } from '../../lib/contract';
import { customerIdOf, customerJourneys } from '../../lib/customer-journeys';
import { formatDuration, t, tOr, type MessageKey } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { channelIcon, shared } from '../styles';

/** The outcome of a contact, in words: the disposition when there is one, else how its last task ended. */
export function outcomeLabel(outcome: JourneyContact['outcome']): string {
  if (!outcome) return t('journey.noOutcome');
  if (outcome.disposition) return tOr(`disposition.${outcome.disposition}`, outcome.disposition);
  return tOr(`task.status.${outcome.status}`, outcome.status);
}

const when = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

/**
 * The customer's journey beside the task (`GET /api/customers/:id/journey`):
 * who the customer is, then every earlier contact — email, call or chat —
 * newest first, with who handled it, how it ended and the agent's notes; each opens (a
 * `<details>`, keyboard-operable) on its task history (queued, answered, held,
 * resumed, completed…). The contact being worked now is left out. Read again
 * when the task's status changes, so an outcome recorded meanwhile shows.
 */
@customElement('acd-customer-journey')
export class AcdCustomerJourney extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      .who { margin: .35rem 0 .5rem; }
      ol.contacts { margin: 0; padding: 0; list-style: none; display: grid; gap: .45rem; }
      ol.contacts > li { border: 1px solid var(--line); border-radius: 8px; padding: .4rem .6rem; }
      summary { cursor: pointer; display: grid; grid-template-columns: auto 1fr; gap: .15rem .5rem; align-items: baseline; }
      summary .line { display: flex; gap: .4rem; flex-wrap: wrap; align-items: baseline; }
      summary .sub { grid-column: 2; font-size: .88rem; }
      .outcome { font-weight: 600; }
      .notes { grid-column: 2; font-size: .88rem; white-space: pre-wrap; overflow-wrap: anywhere; }
      ol.events { margin: .4rem 0 0 1.4rem; padding: 0; font-size: .88rem; display: grid; gap: .15rem; }
      .vip { background: #fff4cc; color: #7a5a00; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;

  constructor() {
    super();
    new StoreController(this, [customerJourneys]);
  }

  override willUpdate(): void {
    const id = customerIdOf(this.task);
    if (id) customerJourneys.ensure(id, `${this.task.id}:${this.task.status}`);
  }

  override render() {
    const id = customerIdOf(this.task);
    const entry = id ? customerJourneys.get(id) : null;
    return html`<section class="card" aria-labelledby="journey-${this.task.id}" data-testid="customer-journey">
      <h3 id="journey-${this.task.id}">${t('journey.title')}</h3>
      ${!id
        ? html`<p class="muted">${t('journey.noCustomer')}</p>`
        : !entry || entry.status === 'loading'
          ? html`<p class="muted">…</p>`
          : entry.status === 'missing'
            ? html`<p class="muted">${t('journey.unavailable')}</p>`
            : entry.status === 'error'
              ? html`<p class="muted" role="alert">${t('sup.error', { message: entry.message })}</p>`
              : this.renderJourney(entry.journey.customer, entry.journey.contacts)}
    </section>`;
  }

  private renderJourney(customer: { name: string | null; email: string | null; phone: string | null; vip: boolean }, all: JourneyContact[]) {
    const earlier = all.filter((c) => c.conversationId !== this.task.conversationId).reverse();
    const contact = [customer.phone, customer.email].filter(Boolean).join(' · ');
    return html`
      <div class="who">
        <strong data-testid="journey-customer">${customer.name ?? t('journey.anonymous')}</strong>
        ${customer.vip ? html`<span class="badge vip">${t('call.vip')}</span>` : nothing}
        ${contact ? html`<div class="muted">${contact}</div>` : nothing}
      </div>
      ${earlier.length
        ? html`<p class="muted">${t('journey.count', { count: earlier.length })}</p>
            <ol class="contacts">
              ${earlier.map((c) => this.renderContact(c))}
            </ol>`
        : html`<p class="muted">${t('journey.empty')}</p>`}
    `;
  }

  private renderContact(c: JourneyContact) {
    const handled = c.handledBy.map((h) => h.name ?? h.agentId.slice(0, 8));
    return html`<li data-testid="journey-contact" data-conversation-id=${c.conversationId} data-channel=${c.channel}>
      <details>
        <summary>
          <span aria-hidden="true">${channelIcon(c.channel)}</span>
          <span class="line">
            <span>${t(`channel.${c.channel}` as MessageKey)} · ${when(c.startedAt)}</span>
            <span class="outcome" data-field="outcome">${outcomeLabel(c.outcome)}</span>
          </span>
          <span class="sub muted">
            ${c.subject ?? c.ref} ·
            <span data-field="handled-by">${handled.length ? t('journey.handledBy', { names: handled.join(', ') }) : t('journey.notHandled')}</span>
          </span>
          ${c.outcome?.notes
            ? html`<span class="notes" data-field="notes"><span class="muted">${t('journey.notes')}:</span> ${c.outcome.notes}</span>`
            : nothing}
        </summary>
        <dl class="facts" style="margin-top:.4rem">
          <dt>${t('journey.ref')}</dt><dd>${c.ref}</dd>
          ${c.messageCount ? html`<dt>${t('journey.messages')}</dt><dd>${c.messageCount}</dd>` : nothing}
        </dl>
        ${c.tasks.map(
          (task) => html`<ol class="events" aria-label=${task.queue ?? task.id}>
            ${task.events.map((e) => {
              const heldSeconds = typeof e.data.heldSeconds === 'number' ? e.data.heldSeconds : null;
              const agent = e.agentId ? (c.handledBy.find((h) => h.agentId === e.agentId)?.name ?? task.agentName) : null;
              return html`<li data-event=${e.type}>
                ${new Date(e.at).toLocaleTimeString()} — ${tOr(`journey.event.${e.type}`, e.type)}${heldSeconds !== null ? ` (${formatDuration(heldSeconds)})` : ''}${agent ? ` · ${agent}` : ''}
              </li>`;
            })}
          </ol>`,
        )}
      </details>
    </li>`;
  }
}
