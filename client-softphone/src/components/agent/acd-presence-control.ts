import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import { CHANNELS } from '../../lib/contract';
import { formatDuration, t, tOr, type MessageKey } from '../../lib/i18n';
import { AcdElement, ClockController, StoreController, clock } from '../../lib/store';
import { shared } from '../styles';

export const AWAY_REASONS = ['break', 'lunch', 'meeting', 'training', 'admin'] as const;

/**
 * Presence as the server says it is (pushed `presence`): the badge never
 * shows a state the server has not confirmed, so wrap-up and "away (no
 * answer)" after a missed offer appear as they happen.
 */
@customElement('acd-presence-control')
export class AcdPresenceControl extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      .bar { display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; justify-content: space-between; }
      .current { display: flex; gap: .6rem; align-items: center; }
      .current .badge { font-size: 1rem; padding: .3rem .9rem; }
      .actions { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
      button[aria-pressed='true'] { box-shadow: inset 0 0 0 2px var(--accent); font-weight: 700; }
      .load { display: flex; gap: .5rem; }
    `,
  ];

  @state() private reason: string = AWAY_REASONS[0];

  constructor() {
    super();
    new StoreController(this, [agentSession]);
    new ClockController(this);
  }

  override render() {
    const presence = agentSession.presence;
    const state = presence?.state ?? null;
    const online = agentSession.connection === 'online';
    const reason = presence?.reason ? tOr(`reason.${presence.reason}`, presence.reason) : null;
    const since = presence ? formatDuration((clock.now - Date.parse(presence.since)) / 1000) : '';
    return html`
      <section class="card bar" aria-labelledby="presence-title">
        <div class="current">
          <h2 id="presence-title">${t('presence.label')}</h2>
          ${presence
            ? html`<span class="badge state-${state}" data-testid="presence-state" data-state=${state ?? ''} data-reason=${presence.reason ?? ''}
                  ><span class="dot"></span>${t(`presence.${state}` as MessageKey)}${reason ? html` — ${reason}` : nothing}</span
                ><span class="muted">${t('presence.since', { duration: since })}</span>`
            : html`<span class="muted">${t('conn.connecting')}</span>`}
        </div>
        <div class="actions" role="group" aria-label=${t('presence.label')}>
          ${state === 'wrapup'
            ? html`<button type="button" class="ok" @click=${() => agentSession.setPresence('available')}>${t('presence.endWrapup')}</button>`
            : html`<button type="button" class="ok" aria-pressed=${state === 'available'} ?disabled=${!online}
                @click=${() => agentSession.setPresence('available')}>${t('presence.available')}</button>`}
          <label class="row"
            ><span class="sr-only">${t('presence.reason')}</span>
            <select aria-label=${t('presence.reason')} .value=${this.reason} @change=${(e: Event) => (this.reason = (e.target as HTMLSelectElement).value)}>
              ${AWAY_REASONS.map((code) => html`<option value=${code} ?selected=${code === this.reason}>${t(`reason.${code}` as MessageKey)}</option>`)}
            </select></label
          >
          <button type="button" aria-pressed=${state === 'away'} ?disabled=${!online}
            @click=${() => agentSession.setPresence('away', this.reason)}>${t('presence.setAway')}</button>
          <button type="button" aria-pressed=${state === 'offline'} ?disabled=${!online}
            @click=${() => agentSession.setPresence('offline')}>${t('presence.offline')}</button>
        </div>
        ${presence
          ? html`<div class="load" aria-label=${t('presence.load')}>
              ${CHANNELS.filter((c) => presence.capacity[c] > 0).map(
                (c) => html`<span class="badge ${c}" title=${t(`channel.${c}` as MessageKey)}>${t(`channel.${c}` as MessageKey)} ${presence.load[c]}/${presence.capacity[c]}</span>`,
              )}
            </div>`
          : nothing}
      </section>
    `;
  }
}
