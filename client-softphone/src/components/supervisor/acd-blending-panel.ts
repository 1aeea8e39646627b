import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { CHANNELS, type BlendingPolicy } from '../../lib/contract';
import { t, type MessageKey } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { supervisorSession } from '../../lib/supervisor-session';
import { shared } from '../styles';

const NUMBERS = ['lullMaxVoiceWaiting', 'lullMaxVoiceWaitSeconds', 'voiceReserveAgents', 'emailSlaGuardPercent'] as const;
/** On/off rules: interruptible email, and chats during calls (a chat and a call worked in parallel tabs). */
const BOOLEANS = ['interruptibleEmail', 'chatDuringCalls'] as const;
/** Highest floor-wide cap the server takes (src/blending/dto/update-blending.dto.ts). */
const MAX_CAP = 20;

/**
 * The live blending policy (`GET/PUT /api/blending`): each field is applied as
 * soon as it changes (PUT accepts any subset), the floor-wide caps per channel
 * included. Shows a note instead when the
 * server has no blending endpoint yet (404).
 */
@customElement('acd-blending-panel')
export class AcdBlendingPanel extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      form { display: grid; gap: .6rem; margin-top: .5rem; }
      label { display: grid; grid-template-columns: 1fr 6rem; gap: .75rem; align-items: center; }
      label.check { grid-template-columns: 1fr auto; }
      fieldset { border: 1px solid var(--line); border-radius: 8px; padding: .4rem .7rem .6rem; display: grid; gap: .5rem; margin: 0; }
      legend { font-weight: 600; padding: 0 .3rem; }
      input[type='number'] { width: 6rem; text-align: right; }
      input[type='checkbox'] { width: 1.3rem; height: 1.3rem; }
      .status { min-height: 1.3rem; font-size: .9rem; }
      .error { color: var(--danger); }
    `,
  ];

  @state() private status: { kind: 'ok' | 'error'; text: string } | null = null;

  constructor() {
    super();
    new StoreController(this, [supervisorSession]);
  }

  override render() {
    const policy = supervisorSession.blending;
    return html`<section class="card" aria-labelledby="blending-title" data-testid="blending-panel">
      <h2 id="blending-title">${t('blending.title')}</h2>
      ${policy === 'missing'
        ? html`<p class="muted" data-testid="blending-unavailable">${t('blending.unavailable')}</p>`
        : policy === null
          ? html`<p class="muted">…</p>`
          : html`<form @submit=${(e: Event) => e.preventDefault()}>
              ${NUMBERS.map(
                (key) => html`<label
                  >${t(`blending.${key}` as MessageKey)}
                  <input type="number" min="0" step="1" name=${key} .value=${String(policy[key] ?? 0)} @change=${(e: Event) => this.apply(key, e)}
                /></label>`,
              )}
              ${BOOLEANS.map(
                (key) => html`<label class="check"
                  >${t(`blending.${key}` as MessageKey)}
                  <input type="checkbox" name=${key} .checked=${Boolean(policy[key])} @change=${(e: Event) => this.apply(key, e)}
                /></label>`,
              )}
              <fieldset data-testid="blending-caps">
                <legend>${t('blending.caps')}</legend>
                ${CHANNELS.map(
                  (channel) => html`<label
                    >${t(`blending.cap.${channel}` as MessageKey)}
                    <input type="number" min="0" max=${MAX_CAP} step="1" name="cap-${channel}" .value=${String(policy.channelCapacity?.[channel] ?? '')}
                      @change=${(e: Event) => this.applyCap(channel, e)}
                  /></label>`,
                )}
              </fieldset>
              <div class="status ${this.status?.kind === 'error' ? 'error' : 'muted'}" role="status">${this.status?.text ?? nothing}</div>
            </form>`}
    </section>`;
  }

  /**
   * A floor-wide cap per channel (on top of each agent's own capacity): the
   * server replaces the whole map, so the others are sent with it; empty
   * removes the cap.
   */
  private async applyCap(channel: (typeof CHANNELS)[number], event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const policy = supervisorSession.blending;
    if (!policy || policy === 'missing') return;
    const raw = input.value.trim();
    const value = Number(raw);
    if (raw !== '' && (!Number.isInteger(value) || value < 0 || value > MAX_CAP)) {
      input.setCustomValidity(`0–${MAX_CAP}`);
      input.reportValidity();
      return;
    }
    input.setCustomValidity('');
    const caps = { ...(policy.channelCapacity ?? {}) };
    if (raw === '') delete caps[channel];
    else caps[channel] = value;
    await this.send({ channelCapacity: caps });
  }

  private async send(change: Partial<BlendingPolicy>): Promise<void> {
    try {
      await supervisorSession.updateBlending(change);
      this.status = { kind: 'ok', text: t('blending.saved') };
    } catch (error) {
      this.status = { kind: 'error', text: t('sup.error', { message: error instanceof Error ? error.message : String(error) }) };
    }
  }

  private async apply(key: keyof BlendingPolicy, event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const value = input.type === 'checkbox' ? input.checked : Number(input.value);
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      input.setCustomValidity('≥ 0');
      input.reportValidity();
      return;
    }
    input.setCustomValidity('');
    await this.send({ [key]: value });
  }
}
