import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import type { TaskView } from '../../lib/contract';
import { customerIdOf, customerJourneys } from '../../lib/customer-journeys';
import { formatDuration, t, type MessageKey } from '../../lib/i18n';
import { AcdElement, ClockController, StoreController, clock } from '../../lib/store';
import { DISPOSITIONS, customerOf, fromOf, heldAtOf, text } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';

/**
 * The call card: who is calling (number, and the customer's name once the
 * journey is known), how long the call has lasted, hold / resume, and hang-up
 * with a disposition code. Call control goes through the voice channel
 * (`POST /api/calls/:taskId/hold|resume|end`), which tells the telephony
 * system; the hold state shown is the server's (`attributes.heldAt`), so every
 * tab of the agent agrees. Keyboard: Tab reaches each control; Alt+H holds or
 * resumes the call shown.
 */
@customElement('acd-call-card')
export class AcdCallCard extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      section { display: grid; gap: .75rem; }
      section.held { border-color: var(--warn); background: #fffaf2; }
      .top { display: flex; justify-content: space-between; align-items: center; gap: .5rem; flex-wrap: wrap; }
      .caller { font-size: 1.55rem; font-weight: 700; line-height: 1.2; overflow-wrap: anywhere; }
      .name { font-size: 1.05rem; font-weight: 600; }
      .timer { font-size: 2rem; font-variant-numeric: tabular-nums; color: var(--voice); font-weight: 700; }
      .held .timer { color: var(--warn); }
      .state-talking { background: #e2f3ea; color: var(--voice); }
      .state-held { background: #fdf0dc; color: var(--warn); }
      .state-ended { background: #e3ecfa; color: var(--accent); }
      .vip { background: #fff4cc; color: #7a5a00; }
      .controls { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; }
      .controls label { display: grid; gap: .2rem; font-weight: 600; }
      button.hold[aria-pressed='true'] { background: var(--warn); border-color: var(--warn); color: #fff; font-weight: 700; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private disposition: string = DISPOSITIONS[0];
  @state() private busy = false;

  constructor() {
    super();
    new ClockController(this);
    new StoreController(this, [customerJourneys]);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
  }

  override render() {
    const task = this.task;
    const a = task.attributes;
    const active = task.status === 'assigned';
    const heldAt = active ? heldAtOf(task) : null;
    const start = task.assignedAt ? Date.parse(task.assignedAt) : null;
    const end = task.completedAt ? Date.parse(task.completedAt) : clock.now;
    const seconds = start ? Math.max(0, Math.floor((end - start) / 1000)) : null;
    const name = customerOf(task) ?? customerJourneys.nameOf(customerIdOf(task));
    const callState = !active ? 'ended' : heldAt ? 'held' : 'talking';
    return html`<section class="card ${callState}" aria-labelledby="call-title-${task.id}" data-testid="call-card" data-call-state=${callState}>
      <div class="top">
        <h3 id="call-title-${task.id}">${channelIcon('voice')} ${t('call.title')}</h3>
        <span class="badge state-${callState}" data-testid="call-state" role="status">${t(`call.state.${callState}` as MessageKey)}</span>
      </div>
      <div>
        <div class="caller" data-testid="caller-number">${fromOf(task) ?? t('call.unknownNumber')}</div>
        ${name ? html`<div class="name" data-testid="caller-name">${name}</div>` : nothing}
        ${a.vip === true ? html`<span class="badge vip">${t('call.vip')}</span>` : nothing}
      </div>
      <dl class="facts">
        <dt>${t('call.duration')}</dt>
        <dd class="timer" role="timer" aria-live="off" data-testid="call-timer" data-seconds=${seconds ?? ''}>${seconds === null ? '—' : formatDuration(seconds)}</dd>
        ${heldAt
          ? html`<dt>${t('call.heldFor')}</dt><dd data-testid="hold-timer">${formatDuration((clock.now - Date.parse(heldAt)) / 1000)}</dd>`
          : nothing}
        ${text(a.to) ? html`<dt>${t('call.dialled')}</dt><dd>${text(a.to)}</dd>` : nothing}
      </dl>
      ${active ? this.renderControls(heldAt !== null) : task.disposition ? html`<p class="muted">${t('task.disposition')}: ${t(`disposition.${task.disposition}` as MessageKey)}</p>` : nothing}
    </section>`;
  }

  private renderControls(held: boolean) {
    return html`<div class="controls" role="group" aria-label=${t('call.controls')}>
      <button type="button" class="hold" aria-pressed=${held} aria-keyshortcuts="Alt+H" ?disabled=${this.busy} @click=${this.toggleHold}>
        ${held ? t('call.resume') : t('call.hold')}
      </button>
      <label
        >${t('task.disposition')}
        <select name="call-disposition" @change=${(e: Event) => (this.disposition = (e.target as HTMLSelectElement).value)}>
          ${DISPOSITIONS.map((d) => html`<option value=${d} ?selected=${d === this.disposition}>${t(`disposition.${d}` as MessageKey)}</option>`)}
        </select></label
      >
      <button type="button" class="danger" ?disabled=${this.busy} @click=${this.end}>${t('call.end')}</button>
    </div>`;
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.key.toLowerCase() === 'h' && this.task.status === 'assigned') {
      event.preventDefault();
      void this.toggleHold();
    }
  };

  private async toggleHold(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    if (heldAtOf(this.task)) await agentSession.resume(this.task.id);
    else await agentSession.hold(this.task.id);
    this.busy = false;
  }

  private async end(): Promise<void> {
    this.busy = true;
    await agentSession.endCall(this.task.id, this.disposition);
    this.busy = false;
  }
}
