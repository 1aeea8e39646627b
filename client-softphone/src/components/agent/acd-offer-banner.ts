import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { agentSession, type RingingOffer } from '../../lib/agent-session';
import { t, type MessageKey } from '../../lib/i18n';
import { AcdElement, ClockController, clock } from '../../lib/store';
import { customerOf, fromOf, priorityReasonsOf, subjectOf } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';

export const REJECT_REASONS = ['busy', 'skill', 'language', 'other'] as const;

/** A ringing offer: what it is, who it is from, how long is left; accept, or reject with a reason. */
@customElement('acd-offer-banner')
export class AcdOfferBanner extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      .offer {
        display: grid; grid-template-columns: auto 1fr auto; gap: 1rem; align-items: center;
        border: 2px solid var(--accent); background: #f5f9ff; animation: ring 1.2s ease-in-out infinite;
      }
      .offer.voice { border-color: var(--voice); background: #f3fbf6; }
      .offer.email { border-color: var(--email); background: #faf6fd; }
      @keyframes ring { 50% { box-shadow: 0 0 0 6px rgba(31, 95, 191, .15); } }
      @media (prefers-reduced-motion: reduce) { .offer { animation: none; } }
      .icon { font-size: 2rem; }
      .countdown { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; text-align: center; min-width: 4.5rem; }
      .countdown.low { color: var(--danger); }
      .actions { display: flex; gap: .5rem; flex-wrap: wrap; justify-content: flex-end; }
      h2 { font-size: 1.1rem; margin-bottom: .35rem; }
    `,
  ];

  @property({ attribute: false }) offer!: RingingOffer;
  @state() private rejecting = false;
  @state() private reason: string = REJECT_REASONS[0];
  @state() private busy = false;

  constructor() {
    super();
    new ClockController(this);
  }

  override render() {
    const { task } = this.offer;
    const left = Math.max(0, Math.ceil((this.offer.expiresAt - clock.now) / 1000));
    const channel = t(`channel.${task.channel}` as MessageKey);
    const reasons = priorityReasonsOf(task);
    const id = `offer-${this.offer.offerId}`;
    return html`
      <article class="card offer ${task.channel}" aria-labelledby=${id} data-testid="offer" data-offer-id=${this.offer.offerId} data-task-id=${task.id}>
        <span class="icon" aria-hidden="true">${channelIcon(task.channel)}</span>
        <div>
          <h2 id=${id} role="alert">${t('offer.title', { channel })}${subjectOf(task) ? html` — ${subjectOf(task)}` : nothing}</h2>
          <dl class="facts">
            <dt>${t('offer.queue')}</dt><dd>${task.queue ?? task.queueId}</dd>
            ${fromOf(task) || customerOf(task) ? html`<dt>${t('offer.from')}</dt><dd>${[customerOf(task), fromOf(task)].filter(Boolean).join(' · ')}</dd>` : nothing}
            <dt>${t('offer.priority')}</dt><dd>${task.priority}${reasons.length ? ` (${reasons.join(', ')})` : ''}</dd>
          </dl>
        </div>
        <div class="actions">
          <div class="countdown ${left <= 5 ? 'low' : ''}" role="timer" aria-label=${t('offer.expires', { seconds: left })}>${left}s</div>
          ${this.rejecting
            ? html`<label class="row"
                  ><span class="sr-only">${t('offer.rejectReason')}</span>
                  <select aria-label=${t('offer.rejectReason')} @change=${(e: Event) => (this.reason = (e.target as HTMLSelectElement).value)}>
                    ${REJECT_REASONS.map((r) => html`<option value=${r}>${t(`reject.${r}` as MessageKey)}</option>`)}
                  </select></label
                >
                <button type="button" class="danger" ?disabled=${this.busy} @click=${this.reject}>${t('offer.confirmReject')}</button>
                <button type="button" @click=${() => (this.rejecting = false)}>${t('offer.cancel')}</button>`
            : html`<button type="button" class="ok" ?disabled=${this.busy} @click=${this.accept}>${t('offer.accept')}</button>
                <button type="button" class="danger" ?disabled=${this.busy} @click=${() => (this.rejecting = true)}>${t('offer.reject')}</button>`}
        </div>
      </article>
    `;
  }

  private async accept(): Promise<void> {
    this.busy = true;
    await agentSession.accept(this.offer.offerId);
    this.busy = false;
  }

  private async reject(): Promise<void> {
    this.busy = true;
    await agentSession.reject(this.offer.offerId, this.reason);
    this.busy = false;
  }
}
