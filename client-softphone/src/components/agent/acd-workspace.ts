import { html, css, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { agentSession } from '../../lib/agent-session';
import { t, type MessageKey } from '../../lib/i18n';
import { customerJourneys, taskTitle } from '../../lib/customer-journeys';
import { AcdElement, StoreController } from '../../lib/store';
import { channelIcon, shared } from '../styles';
import './acd-task-panel';

/**
 * One tab per open task (ARIA tabs: arrow keys, Home and End move between
 * tabs). Every panel stays rendered and is only hidden, so an email frame or a
 * chat does not reload when the agent switches tabs.
 */
@customElement('acd-workspace')
export class AcdWorkspace extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      [role='tablist'] { display: flex; gap: .25rem; flex-wrap: wrap; border-bottom: 2px solid var(--line); }
      [role='tab'] {
        border: 1px solid var(--line); border-bottom: none; border-radius: 10px 10px 0 0; background: #e9eef4;
        display: inline-flex; gap: .45rem; align-items: center; max-width: 19rem; padding: .45rem .8rem; margin-bottom: -2px;
      }
      [role='tab'][aria-selected='true'] { background: #fff; border-color: var(--line); border-bottom: 2px solid #fff; font-weight: 700; }
      [role='tab'] .title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      [role='tab'].wrapping .title::after { content: ' ⏸'; }
      [role='tab'] .unread { color: var(--email); font-size: .8rem; }
      .empty { text-align: center; padding: 2.5rem 1rem; }
      .panel { border-top: none; border-radius: 0 0 var(--radius) var(--radius); }
    `,
  ];

  constructor() {
    super();
    new StoreController(this, [agentSession, customerJourneys]);
  }

  override render() {
    const tasks = [...agentSession.tasks.values()];
    if (!tasks.length) return html`<section class="card empty muted" aria-label=${t('workspace.label')} data-testid="workspace-empty">${t('workspace.empty')}</section>`;
    const active = agentSession.activeTaskId;
    return html`
      <div role="tablist" aria-label=${t('workspace.label')} @keydown=${this.onKey}>
        ${repeat(
          tasks,
          (task) => task.id,
          (task) => html`<button
            type="button"
            role="tab"
            id="tab-${task.id}"
            class=${task.status}
            data-task-id=${task.id}
            aria-selected=${task.id === active}
            aria-controls="panel-${task.id}"
            tabindex=${task.id === active ? 0 : -1}
            @click=${() => agentSession.select(task.id)}
          >
            <span class="badge ${task.channel}" aria-label=${t(`channel.${task.channel}` as MessageKey)}>${channelIcon(task.channel)}</span>
            <span class="title">${taskTitle(task)}</span>
            ${agentSession.unread.has(task.id)
              ? html`<span class="unread" data-testid="tab-unread"><span aria-hidden="true">●</span><span class="sr-only">${t('workspace.unread')}</span></span>`
              : nothing}
          </button>`,
        )}
      </div>
      ${repeat(
        tasks,
        (task) => task.id,
        (task) => html`<acd-task-panel
          class="panel"
          role="tabpanel"
          id="panel-${task.id}"
          aria-labelledby="tab-${task.id}"
          data-task-id=${task.id}
          .task=${task}
          ?hidden=${task.id !== active}
        ></acd-task-panel>`,
      )}
      ${nothing}
    `;
  }

  private onKey(event: KeyboardEvent): void {
    const ids = [...agentSession.tasks.keys()];
    const at = ids.indexOf(agentSession.activeTaskId ?? '');
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[event.key];
    if (next === undefined || !ids.length) return;
    event.preventDefault();
    const id = ids[(next + ids.length) % ids.length];
    agentSession.select(id);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${CSS.escape(id)}`)?.focus());
  }
}
