import { html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TaskView } from '../../lib/contract';
import { formatDuration, t } from '../../lib/i18n';
import { AcdElement, ClockController, clock } from '../../lib/store';
import { fromOf, text } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';

/**
 * EXTENSION POINT (voice channel): the call card — caller, running timer,
 * extension. Hold and end arrive with the voice channel's call control; until
 * then the buttons are shown disabled so the layout does not move.
 */
@customElement('acd-call-card')
export class AcdCallCard extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      .caller { font-size: 1.5rem; font-weight: 700; margin: .3rem 0; }
      .timer { font-size: 2rem; font-variant-numeric: tabular-nums; color: var(--voice); font-weight: 700; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;

  constructor() {
    super();
    new ClockController(this);
  }

  override render() {
    const a = this.task.attributes;
    const start = this.task.assignedAt ? Date.parse(this.task.assignedAt) : null;
    return html`<section class="card" aria-label=${t('call.title')} data-testid="call-card">
      <h3>${channelIcon('voice')} ${t('call.title')}</h3>
      <div class="caller">${fromOf(this.task) ?? '—'}</div>
      <dl class="facts">
        <dt>${t('call.duration')}</dt>
        <dd class="timer" role="timer">${start ? formatDuration((clock.now - start) / 1000) : '—'}</dd>
        ${text(a.to) ? html`<dt>${t('call.extension')}</dt><dd>${text(a.to)}</dd>` : ''}
      </dl>
      <div class="row" style="margin-top:.75rem">
        <button type="button" disabled>${t('call.hold')}</button>
        <button type="button" class="danger" disabled>${t('call.end')}</button>
      </div>
      <p class="muted">${t('call.pending')}</p>
    </section>`;
  }
}
