import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import type { TaskView } from '../../lib/contract';
import { formatDuration, t, type MessageKey } from '../../lib/i18n';
import { customerJourneys, taskTitle } from '../../lib/customer-journeys';
import { AcdElement, ClockController, StoreController, clock } from '../../lib/store';
import { DISPOSITIONS } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';
import '../channels/acd-email-thread';
import '../channels/acd-chat-thread';
import '../channels/acd-call-card';
import '../channels/acd-customer-journey';

/** Attributes already shown by a channel component (or the journey), left out of the generic list. */
const SHOWN = new Set([
  'html', 'text', 'firstMessage', 'to', 'subject', 'from', 'caller', 'messages', 'attachments', 'priorityReasons',
  'customer', 'customerName', 'customerId', 'heldAt', 'vip', 'callId', 'sessionId', 'source',
]);

/**
 * One task: the channel's own view on the left (email thread, chat thread,
 * call card), the completion form (disposition and notes; for a call the call
 * card's End button completes it), the customer journey and the details on
 * the right.
 */
@customElement('acd-task-panel')
export class AcdTaskPanel extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; background: #fff; border: 1px solid var(--line); border-top: none; padding: 1rem; }
      :host([hidden]) { display: none; }
      header { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }
      header h2 { font-size: 1.2rem; }
      .grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 1rem; align-items: start; }
      @media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
      aside { display: grid; gap: 1rem; }
      form { display: grid; gap: .6rem; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      textarea { min-height: 4.5rem; resize: vertical; font-weight: 400; }
      .status-wrapping { background: #e3ecfa; color: var(--accent); }
      .status-assigned { background: #e2f3ea; color: var(--ok); }
      .status-transferred, .status-canceled, .status-abandoned { background: #fdf0dc; color: var(--warn); }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private disposition: string = DISPOSITIONS[0];
  @state() private busy = false;
  /** Pending save of the notes being typed during wrap-up (saved after a pause, or at once when the field is left). */
  private notesTimer: number | null = null;

  constructor() {
    super();
    new ClockController(this);
    new StoreController(this, [customerJourneys]);
  }

  override render() {
    const task = this.task;
    const since = task.assignedAt ? formatDuration((clock.now - Date.parse(task.assignedAt)) / 1000) : null;
    return html`
      <header>
        <span class="badge ${task.channel}">${channelIcon(task.channel)} ${t(`channel.${task.channel}` as MessageKey)}</span>
        <h2>${taskTitle(task)}</h2>
        <span class="badge status-${task.status}" data-testid="task-status" data-status=${task.status}>${t(`task.status.${task.status}` as MessageKey)}</span>
        <span class="muted">${t('task.queue')}: ${task.queue ?? task.queueId} · ${t('task.priority')}: ${task.priority}</span>
        ${since && task.status === 'assigned' ? html`<span class="muted">${t('task.since', { duration: since })}</span>` : nothing}
      </header>
      <div class="grid">
        <div>${this.renderChannel(task)}</div>
        <aside>
          ${this.renderActions(task)}
          <acd-customer-journey .task=${task}></acd-customer-journey>
          ${this.renderDetails(task)}
        </aside>
      </div>
    `;
  }

  /** Extension point: each channel's component renders what `task.attributes` carries. */
  private renderChannel(task: TaskView) {
    const parts = [];
    if (task.channel === 'voice') parts.push(html`<acd-call-card .task=${task}></acd-call-card>`);
    if (task.channel === 'chat') parts.push(html`<acd-chat-thread .task=${task}></acd-chat-thread>`);
    if (task.channel === 'email' || typeof task.attributes.html === 'string') parts.push(html`<acd-email-thread .task=${task}></acd-email-thread>`);
    return parts;
  }

  private renderActions(task: TaskView) {
    if (task.status === 'assigned' && task.channel === 'voice') {
      // The call card holds the disposition and the End button: hanging up completes the call.
      return html`<div class="card">
        ${this.notesField(task)}
        <p class="muted">${t('call.endHint')}</p>
      </div>`;
    }
    if (task.status === 'assigned') {
      return html`<form class="card" @submit=${this.complete} aria-label=${t('task.complete')}>
        <label
          >${t('task.disposition')}
          <select name="disposition" @change=${(e: Event) => (this.disposition = (e.target as HTMLSelectElement).value)}>
            ${DISPOSITIONS.map((d) => html`<option value=${d} ?selected=${d === this.disposition}>${t(`disposition.${d}` as MessageKey)}</option>`)}
          </select></label
        >
        ${this.notesField(task)}
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('task.complete')}</button>
      </form>`;
    }
    if (task.status === 'wrapping') {
      return html`<div class="card" role="status">
        <p>${t('task.wrapupHint')}</p>
        ${this.notesField(task)}
        ${task.disposition ? html`<p class="muted">${t('task.disposition')}: ${t(`disposition.${task.disposition}` as MessageKey)}</p>` : nothing}
      </div>`;
    }
    return html`<div class="card" role="status">
      <p>${t('task.done', { status: t(`task.status.${task.status}` as MessageKey) })}</p>
      <button type="button" @click=${() => agentSession.closeTask(task.id)}>${t('task.close')}</button>
    </div>`;
  }

  /**
   * The notes: sent with Complete (or End call) while the task is in
   * progress; saved on the server as they change during wrap-up.
   */
  private notesField(task: TaskView) {
    const wrapping = task.status === 'wrapping';
    const saved = wrapping ? agentSession.notesState.get(task.id) : undefined;
    return html`<label
      >${t('task.notes')}
      <textarea
        maxlength="2000"
        data-notes-state=${saved ?? ''}
        .value=${agentSession.notesOf(task)}
        @input=${(e: Event) => this.notesInput(task, (e.target as HTMLTextAreaElement).value)}
        @change=${(e: Event) => this.notesChanged(task, (e.target as HTMLTextAreaElement).value)}
      ></textarea
    ></label>
    ${saved
      ? html`<span class="muted notes-state" role="status" data-testid="notes-state" data-state=${saved}>${t(`task.notes.${saved}` as MessageKey)}</span>`
      : nothing}`;
  }

  private notesInput(task: TaskView, value: string): void {
    void agentSession.editNotes(task.id, value, false);
    if (task.status !== 'wrapping') return;
    this.clearNotesTimer();
    this.notesTimer = window.setTimeout(() => this.notesChanged(task, value), 600);
  }

  private notesChanged(task: TaskView, value: string): void {
    this.clearNotesTimer();
    if (task.status !== 'wrapping' || value === (task.notes ?? '')) return;
    void agentSession.editNotes(task.id, value, true);
  }

  private clearNotesTimer(): void {
    if (this.notesTimer !== null) window.clearTimeout(this.notesTimer);
    this.notesTimer = null;
  }

  override disconnectedCallback(): void {
    this.clearNotesTimer();
    super.disconnectedCallback();
  }

  private renderDetails(task: TaskView) {
    const extra = Object.entries(task.attributes).filter(([key, value]) => !SHOWN.has(key) && value !== null && value !== undefined);
    if (!extra.length) return nothing;
    return html`<details class="card">
      <summary>${t('attributes.title')}</summary>
      <dl class="facts">
        ${extra.map(([key, value]) => html`<dt>${key}</dt><dd>${typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>`)}
      </dl>
    </details>`;
  }

  private async complete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.busy = true;
    await agentSession.complete(this.task.id, this.disposition);
    this.busy = false;
  }
}
