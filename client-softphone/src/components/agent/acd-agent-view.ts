import { html, css, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import { t, tOr } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { shared } from '../styles';
import './acd-presence-control';
import './acd-offer-banner';
import './acd-workspace';

/** The agent's screen: presence on top, ringing offers under it, then one tab per open task. */
@customElement('acd-agent-view')
export class AcdAgentView extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      .offers { display: grid; gap: .75rem; }
      .notice { display: flex; gap: .75rem; align-items: center; justify-content: space-between; padding: .6rem 1rem; }
      .notice.error { border-color: var(--danger); color: var(--danger); }
    `,
  ];

  constructor() {
    super();
    new StoreController(this, [agentSession]);
  }

  override render() {
    const notice = agentSession.notice;
    const offers = [...agentSession.offers.values()];
    return html`
      <acd-presence-control></acd-presence-control>
      ${notice
        ? html`<div class="card notice ${notice.kind}" role=${notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
            <span
              >${notice.key
                ? t(notice.key, { reason: tOr(`reason.${notice.detail}`, notice.detail ?? ''), ...notice.params })
                : `${notice.text}${notice.detail ? ` (${notice.detail})` : ''}`}</span
            >
            <button type="button" aria-label="OK" @click=${() => agentSession.dismissNotice()}>OK</button>
          </div>`
        : nothing}
      ${offers.length
        ? html`<section class="offers" aria-label=${t('offer.title', { channel: '' })}>
            ${offers.map((offer) => html`<acd-offer-banner .offer=${offer}></acd-offer-banner>`)}
          </section>`
        : nothing}
      <acd-workspace></acd-workspace>
    `;
  }
}
