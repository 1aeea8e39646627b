import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Channel, PresenceState } from '../../lib/contract';
import { CHANNELS } from '../../lib/contract';
import { formatDuration, formatPercent, t, tOr, type MessageKey } from '../../lib/i18n';
import { AcdElement, ClockController, StoreController, clock } from '../../lib/store';
import { supervisorSession, type QueueRow } from '../../lib/supervisor-session';
import { titleOf } from '../../lib/task-fields';
import { AWAY_REASONS } from '../agent/acd-presence-control';
import { channelIcon, shared } from '../styles';
import './acd-blending-panel';

const FORCEABLE: PresenceState[] = ['available', 'away', 'offline'];
const STATES: PresenceState[] = ['available', 'wrapup', 'away', 'offline'];
const EMPTY_STATES: Record<PresenceState, number> = { available: 0, wrapup: 0, away: 0, offline: 0 };
/** Highest capacity per channel the server takes (src/agents/capacity.dto.ts). */
const MAX_CAPACITY = 20;

/**
 * The supervisor's wallboard, live from /supervisor: headline figures,
 * queues, agents (force a state, change a capacity), open tasks (move one to another queue) and
 * the blending controls.
 */
@customElement('acd-wallboard')
export class AcdWallboard extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 1rem; }
      .tile { text-align: left; }
      .tile .value { font-size: 2.2rem; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
      .tile .label { color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }
      .tile.alert .value { color: var(--danger); }
      .tiles.states { grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); }
      .tiles.states .value { font-size: 1.8rem; }
      .tile-available .label { color: var(--ok); }
      .tile-wrapup .label { color: var(--accent); }
      .tile-away .label { color: var(--warn); }
      .tile.blend { grid-column: span 2; }
      .tile.blend .value.small { font-size: 1.35rem; margin: .2rem 0; }
      .tile.blend.lull { border-color: var(--ok); }
      .tile.blend.lull .value { color: var(--ok); }
      .tile.blend.peak { border-color: var(--warn); }
      .tile.blend.peak .value { color: var(--warn); }
      .tile .detail { font-size: .85rem; }
      .grid { display: grid; grid-template-columns: minmax(0, 1.8fr) minmax(0, 1fr); gap: 1rem; align-items: start; }
      @media (max-width: 1100px) { .grid { grid-template-columns: 1fr; } }
      .stack { display: grid; gap: 1rem; }
      section h2 { margin-bottom: .5rem; }
      td .row { flex-wrap: nowrap; }
      section.card { overflow-x: auto; }
      .task-title { display: flex; gap: .4rem; align-items: center; }
      td select { min-height: 1.9rem; padding: .15rem .3rem; }
      td button { min-height: 1.9rem; padding: .15rem .6rem; }
      td input.capacity { width: 3.2rem; min-height: 1.9rem; padding: .15rem .3rem; text-align: right; }
      .capacity-row { display: flex; gap: .35rem; align-items: center; flex-wrap: nowrap; }
      .capacity-row label { display: flex; gap: .15rem; align-items: center; }
      .sl-bad { color: var(--danger); font-weight: 700; }
      .sl-good { color: var(--ok); font-weight: 700; }
      .wait-bad { color: var(--danger); font-weight: 700; }
      .flash { padding: .5rem .8rem; }
      .flash.error { color: var(--danger); border-color: var(--danger); }
    `,
  ];

  @state() private flash: { kind: 'info' | 'error'; text: string } | null = null;
  private readonly forceChoice = new Map<string, string>();
  private readonly moveChoice = new Map<string, string>();

  constructor() {
    super();
    new StoreController(this, [supervisorSession]);
    new ClockController(this);
  }

  override render() {
    const queues = [...supervisorSession.queues.values()].sort((a, b) => a.name.localeCompare(b.name));
    const waiting = queues.reduce((sum, q) => sum + q.waiting, 0);
    const byState = this.agentsByState();
    const longest = Math.max(0, ...queues.map((q) => this.longestWait(q)));
    const stats = supervisorSession.stats;
    return html`
      <div class="tiles" role="group" aria-label=${t('app.view.wallboard')}>
        ${this.tile(t('sup.totalWaiting'), String(waiting), 'total-waiting', waiting > 0 && byState.available === 0)}
        ${this.tile(t('sup.longestWait'), formatDuration(longest), 'longest-wait', false)}
        ${stats ? this.tile(t('sup.occupancy'), formatPercent(stats.occupancy), 'occupancy', false) : nothing}
        ${this.renderBlendingState()}
      </div>
      <div class="tiles states" role="group" aria-label=${t('sup.byState')}>
        ${STATES.map((state) =>
          this.tile(t(`presence.${state}` as MessageKey), String(byState[state]), `agents-${state}`, false, state),
        )}
      </div>
      ${this.flash ? html`<div class="card flash ${this.flash.kind}" role=${this.flash.kind === 'error' ? 'alert' : 'status'}>${this.flash.text}</div>` : nothing}
      <div class="grid">
        <div class="stack">
          ${this.renderQueues(queues)} ${this.renderAgents()}
        </div>
        <div class="stack">
          ${this.renderTasks(queues)}
          <acd-blending-panel></acd-blending-panel>
        </div>
      </div>
    `;
  }

  private tile(label: string, value: string, id: string, alert: boolean, state?: string) {
    return html`<div class="card tile ${alert ? 'alert' : ''} ${state ? `state-tile tile-${state}` : ''}" data-testid=${id}>
      <div class="value">${value}</div>
      <div class="label">${state ? html`<span class="dot"></span> ` : nothing}${label}</div>
    </div>`;
  }

  /** Agents per presence state: the server's count (real-time statistics) once known, else the agent rows. */
  private agentsByState(): Record<PresenceState, number> {
    const counted = supervisorSession.stats?.agents.byState;
    if (counted) return { ...EMPTY_STATES, ...counted };
    const byState = { ...EMPTY_STATES };
    for (const agent of supervisorSession.agents.values()) byState[agent.presence.state] += 1;
    return byState;
  }

  /** Is email being offered (a lull) or held back for calls, and why: the effect of the blending controls. */
  private renderBlendingState() {
    const blending = supervisorSession.stats?.blending;
    if (!blending) return nothing;
    const reason = tOr(`blending.reason.${blending.reason}`, blending.reason);
    return html`<div class="card tile blend ${blending.lull ? 'lull' : 'peak'}" data-testid="blending-state" data-lull=${String(blending.lull)} role="status">
      <div class="label">${t('sup.blendingState')}</div>
      <div class="value small">${blending.lull ? t('sup.lull') : t('sup.peak')}</div>
      <div class="muted detail">${t('sup.blendingDetail', { reason, waiting: blending.voiceWaiting, ready: blending.readyForCall })}</div>
    </div>`;
  }

  /** The API's longest wait, aged by the time since it was read, while something still waits. */
  private longestWait(queue: QueueRow): number {
    return queue.waiting > 0 && queue.longestWaitSeconds > 0 ? queue.longestWaitSeconds + (clock.now - queue.readAt) / 1000 : 0;
  }

  private renderQueues(queues: QueueRow[]) {
    return html`<section class="card" aria-labelledby="queues-title">
      <h2 id="queues-title">${t('sup.queues')}</h2>
      ${queues.length
        ? html`<table data-testid="queues-table">
            <thead>
              <tr>
                <th scope="col">${t('sup.queue')}</th>
                <th scope="col">${t('sup.channel')}</th>
                <th scope="col" class="num">${t('sup.waiting')}</th>
                <th scope="col" class="num">${t('sup.longestWait')}</th>
                <th scope="col" class="num">${t('sup.serviceLevel')}</th>
                <th scope="col" class="num">${t('sup.agentsAvailable')}</th>
                <th scope="col" class="num">${t('sup.handled')}</th>
                <th scope="col" class="num">${t('sup.abandoned')}</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                queues,
                (q) => q.id,
                (q) => {
                  const wait = this.longestWait(q);
                  return html`<tr data-queue-id=${q.id} data-queue-name=${q.name}>
                    <th scope="row">${q.name}</th>
                    <td><span class="badge ${q.channel}">${channelIcon(q.channel)} ${t(`channel.${q.channel}` as MessageKey)}</span></td>
                    <td class="num" data-field="waiting">${q.waiting}</td>
                    <td class="num ${wait > q.slaSeconds ? 'wait-bad' : ''}" data-field="longestWait">${formatDuration(wait)}</td>
                    <td class="num ${q.serviceLevel === null ? '' : q.serviceLevel < 0.8 ? 'sl-bad' : 'sl-good'}" data-field="serviceLevel">${formatPercent(q.serviceLevel)}</td>
                    <td class="num" data-field="agentsAvailable">${q.agentsAvailable}</td>
                    <td class="num" data-field="handled">${q.handled ?? '—'}</td>
                    <td class="num" data-field="abandoned">${q.abandoned ?? '—'}</td>
                  </tr>`;
                },
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('sup.noQueues')}</p>`}
    </section>`;
  }

  private renderAgents() {
    const agents = [...supervisorSession.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
    return html`<section class="card" aria-labelledby="agents-title">
      <h2 id="agents-title">${t('sup.agents')}</h2>
      ${agents.length
        ? html`<table data-testid="agents-table">
            <thead>
              <tr>
                <th scope="col">${t('sup.agent')}</th>
                <th scope="col">${t('sup.state')}</th>
                <th scope="col" class="num">${t('sup.timeInState')}</th>
                <th scope="col">${t('sup.load')}</th>
                <th scope="col">${t('sup.capacity')}</th>
                <th scope="col">${t('sup.force')}</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                agents,
                (a) => a.id,
                (a) => {
                  const s = a.presence.state;
                  const reason = a.presence.reason ? tOr(`reason.${a.presence.reason}`, a.presence.reason) : null;
                  const choice = this.forceChoice.get(a.id) ?? 'available';
                  return html`<tr data-agent-id=${a.id}>
                    <th scope="row">${a.name}</th>
                    <td>
                      <span class="badge state-${s}" data-field="state" data-state=${s}
                        ><span class="dot"></span>${t(`presence.${s}` as MessageKey)}${reason ? ` — ${reason}` : ''}</span
                      >
                    </td>
                    <td class="num">${formatDuration((clock.now - Date.parse(a.presence.since)) / 1000)}</td>
                    <td>
                      <span class="row"
                        >${CHANNELS.filter((c) => (a.capacity?.[c] ?? 0) > 0).map(
                          (c) => html`<span class="badge ${c}" title=${t(`channel.${c}` as MessageKey)} data-field="load-${c}">${channelIcon(c)} ${a.load?.[c] ?? 0}/${a.capacity[c]}</span>`,
                        )}</span
                      >
                    </td>
                    <td>
                      <span class="capacity-row">
                        ${CHANNELS.map(
                          (c) => html`<label
                            ><span aria-hidden="true">${channelIcon(c)}</span
                            ><input class="capacity" type="number" min="0" max=${MAX_CAPACITY} step="1" data-field="capacity-${c}"
                              aria-label=${t('sup.capacityFor', { channel: t(`channel.${c}` as MessageKey), name: a.name })}
                              .value=${String(a.capacity?.[c] ?? 0)}
                              @change=${(e: Event) => this.setCapacity(a.id, a.name, c, e.target as HTMLInputElement)}
                          /></label>`,
                        )}
                      </span>
                    </td>
                    <td>
                      <span class="row">
                        <select aria-label=${t('sup.forceFor', { name: a.name })} data-field="force" @change=${(e: Event) => this.forceChoice.set(a.id, (e.target as HTMLSelectElement).value)}>
                          ${FORCEABLE.map((st) => html`<option value=${st} ?selected=${st === choice}>${t(`presence.${st}` as MessageKey)}</option>`)}
                          ${AWAY_REASONS.map((r) => html`<option value="away:${r}" ?selected=${`away:${r}` === choice}>${t('presence.away')} — ${t(`reason.${r}` as MessageKey)}</option>`)}
                        </select>
                        <button type="button" @click=${() => this.force(a.id)}>${t('sup.apply')}</button>
                      </span>
                    </td>
                  </tr>`;
                },
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('sup.noAgents')}</p>`}
    </section>`;
  }

  private renderTasks(queues: QueueRow[]) {
    const tasks = supervisorSession.tasks;
    const agentName = (id: string | null) => (id ? (supervisorSession.agents.get(id)?.name ?? id.slice(0, 8)) : '—');
    return html`<section class="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">${t('sup.tasks')}</h2>
      ${tasks.length
        ? html`<table data-testid="tasks-table">
            <thead>
              <tr>
                <th scope="col">${t('sup.task')}</th>
                <th scope="col">${t('sup.status')}</th>
                <th scope="col">${t('sup.move')}</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                tasks,
                (task) => task.id,
                (task) => {
                  const targets = queues.filter((q) => q.channel === task.channel && q.id !== task.queueId);
                  const choice = this.moveChoice.get(task.id) ?? targets[0]?.id ?? '';
                  return html`<tr data-task-id=${task.id}>
                    <td>
                      <div class="task-title"><span class="badge ${task.channel}">${channelIcon(task.channel)}</span> ${titleOf(task)}</div>
                      <div class="muted">${task.queue ?? ''}${task.agentId ? ` · ${agentName(task.agentId)}` : ''}</div>
                    </td>
                    <td>${t(`task.status.${task.status}` as MessageKey)}</td>
                    <td>
                      ${task.status === 'wrapping' || !targets.length
                        ? '—'
                        : html`<span class="row">
                            <select aria-label=${t('sup.moveFor', { id: task.id.slice(0, 8) })} @change=${(e: Event) => this.moveChoice.set(task.id, (e.target as HTMLSelectElement).value)}>
                              ${targets.map((q) => html`<option value=${q.id} ?selected=${q.id === choice}>${q.name}</option>`)}
                            </select>
                            <button type="button" @click=${() => this.move(task.id, this.moveChoice.get(task.id) ?? choice)}>${t('sup.apply')}</button>
                          </span>`}
                    </td>
                  </tr>`;
                },
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('sup.noTasks')}</p>`}
    </section>`;
  }

  private async force(agentId: string): Promise<void> {
    const [state, reason] = (this.forceChoice.get(agentId) ?? 'available').split(':') as [PresenceState, string | undefined];
    await this.attempt(() => supervisorSession.forcePresence(agentId, state, reason));
  }

  /** Applied as it changes, like the blending controls; the agent's own screen and routing follow at once. */
  private async setCapacity(agentId: string, name: string, channel: Channel, input: HTMLInputElement): Promise<void> {
    const value = Number(input.value);
    if (input.value.trim() === '' || !Number.isInteger(value) || value < 0 || value > MAX_CAPACITY) {
      input.setCustomValidity(`0–${MAX_CAPACITY}`);
      input.reportValidity();
      return;
    }
    input.setCustomValidity('');
    if (await this.attempt(() => supervisorSession.setCapacity(agentId, channel, value))) {
      this.flash = { kind: 'info', text: t('sup.capacitySet', { name }) };
    }
  }

  private async move(taskId: string, queueId: string): Promise<void> {
    const queue = supervisorSession.queues.get(queueId);
    if (!queue) return;
    if (await this.attempt(() => supervisorSession.transfer(taskId, queueId))) {
      this.flash = { kind: 'info', text: t('sup.moved', { queue: queue.name }) };
    }
  }

  private async attempt(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      this.flash = null;
      return true;
    } catch (error) {
      this.flash = { kind: 'error', text: t('sup.error', { message: error instanceof Error ? error.message : String(error) }) };
      return false;
    }
  }
}
