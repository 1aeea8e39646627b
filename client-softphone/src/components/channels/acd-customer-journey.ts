import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, isMissing } from '../../lib/api';
import type { TaskView } from '../../lib/contract';
import { t, tOr } from '../../lib/i18n';
import { AcdElement } from '../../lib/store';
import { text } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';

interface JourneyItem {
  channel?: string;
  at?: string;
  createdAt?: string;
  subject?: string;
  agent?: string | { name?: string };
  agentName?: string;
  outcome?: string;
  disposition?: string;
  status?: string;
}

/**
 * EXTENSION POINT (customers): the customer's journey beside the task, from
 * `GET /api/customers/:id/journey` when the task names a customer
 * (`attributes.customerId` or `attributes.customer.id`). Says so when the
 * server does not serve it yet.
 */
@customElement('acd-customer-journey')
export class AcdCustomerJourney extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      ol { margin: .5rem 0 0; padding: 0; list-style: none; display: grid; gap: .4rem; }
      li { display: grid; grid-template-columns: auto 1fr; gap: .5rem; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private items: JourneyItem[] | 'missing' | null = null;
  private loadedFor: string | null = null;

  override willUpdate(): void {
    const customer = this.task.attributes.customer as { id?: unknown } | undefined;
    const id = text(this.task.attributes.customerId) ?? text(customer?.id);
    if (!id || id === this.loadedFor) return;
    this.loadedFor = id;
    api<JourneyItem[] | { items?: JourneyItem[]; events?: JourneyItem[] }>('GET', `/api/customers/${encodeURIComponent(id)}/journey`)
      .then((body) => (this.items = Array.isArray(body) ? body : (body.items ?? body.events ?? [])))
      .catch((error: unknown) => {
        this.items = 'missing';
        if (!isMissing(error)) console.warn('journey not loaded', error);
      });
  }

  override render() {
    const items = this.items;
    return html`<section class="card" aria-label=${t('journey.title')}>
      <h3>${t('journey.title')}</h3>
      ${items === 'missing'
        ? html`<p class="muted">${t('journey.unavailable')}</p>`
        : !items?.length
          ? html`<p class="muted">${t('journey.empty')}</p>`
          : html`<ol>
              ${items.map((item) => {
                const agent = typeof item.agent === 'string' ? item.agent : (item.agent?.name ?? item.agentName);
                const when = item.at ?? item.createdAt;
                return html`<li>
                  <span aria-hidden="true">${channelIcon(item.channel ?? '')}</span>
                  <span
                    >${when ? new Date(when).toLocaleDateString() : ''} ${item.subject ?? ''}
                    ${agent ? html`· ${agent}` : nothing}
                    ${item.outcome ?? item.disposition ?? item.status
                      ? html`· <em>${tOr(`disposition.${item.outcome ?? item.disposition}`, item.outcome ?? item.disposition ?? item.status ?? '')}</em>`
                      : nothing}</span
                  >
                </li>`;
              })}
            </ol>`}
    </section>`;
  }
}
