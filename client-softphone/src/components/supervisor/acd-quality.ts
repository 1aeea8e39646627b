import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { api, isMissing } from '../../lib/api';
import { CHANNELS, type AgentRecord, type QualityReviewView, type QualitySampleSummary, type QualitySampleView, type SampledTask } from '../../lib/contract';
import { t, tOr, type MessageKey } from '../../lib/i18n';
import { AcdElement } from '../../lib/store';
import { channelIcon, shared } from '../styles';

const CRITERIA = ['greeting', 'accuracy', 'tone', 'resolution'] as const;
const day = (offset: number) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
/** Local midnight of a `yyyy-mm-dd` day, as the API's ISO instant. */
const startOf = (date: string, plusDays = 0) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
};
const shortDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'short' });
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

/**
 * Quality review (supervisors): draw a random sample of the tasks handled in a
 * period (`POST /api/quality/samples`, optionally one channel or one agent),
 * list the samples (`GET /api/quality/samples`), open one
 * (`GET /api/quality/samples/:id`: each task with its agent, queue, outcome
 * and latest review) and score a task (`POST /api/quality/reviews`: overall
 * 0–100, optional criteria, comment). Keyboard: every control is a native
 * one; Review moves the focus into the form, Escape closes it and gives the
 * focus back to the row's button, as saving does.
 */
@customElement('acd-quality')
export class AcdQuality extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      form.draw { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin-top: .6rem; }
      form.draw label, form.review label { display: grid; gap: .25rem; font-weight: 600; }
      input[type='number'] { width: 6.5rem; }
      .grid { display: grid; grid-template-columns: minmax(15rem, 1fr) minmax(0, 3fr); gap: 1rem; align-items: start; }
      @media (max-width: 1000px) { .grid { grid-template-columns: 1fr; } }
      ul.samples { list-style: none; margin: .5rem 0 0; padding: 0; display: grid; gap: .4rem; }
      ul.samples button { width: 100%; text-align: left; display: grid; gap: .1rem; }
      ul.samples button[aria-pressed='true'] { border-color: var(--accent); box-shadow: inset 0 0 0 2px var(--accent); }
      section.card { overflow-x: auto; }
      form.review { display: grid; gap: .7rem; margin-top: 1rem; border-top: 2px solid var(--line); padding-top: 1rem; }
      form.review fieldset { border: 1px solid var(--line); border-radius: 8px; display: flex; gap: .75rem; flex-wrap: wrap; }
      form.review textarea { min-height: 4rem; font-weight: 400; }
      .score { font-weight: 700; font-variant-numeric: tabular-nums; }
      .status { min-height: 1.3rem; }
      .error { color: var(--danger); }
      td .title { display: flex; gap: .4rem; align-items: center; }
      tr.selected { background: #f5f9ff; }
    `,
  ];

  @state() private agents: AgentRecord[] = [];
  @state() private samples: QualitySampleSummary[] | 'missing' | null = null;
  @state() private sample: QualitySampleView | null = null;
  @state() private reviewing: string | null = null;
  @state() private status: { kind: 'ok' | 'error'; text: string } | null = null;
  @state() private busy = false;
  private from = day(-7);
  private to = day(0);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="quality-title">
        <h2 id="quality-title">${t('quality.title')}</h2>
        ${this.samples === 'missing' ? html`<p class="muted" data-testid="quality-unavailable">${t('quality.unavailable')}</p>` : this.renderDrawForm()}
        <div class="status ${this.status?.kind === 'error' ? 'error' : 'muted'}" role="status" data-testid="quality-status">${this.status?.text ?? nothing}</div>
      </section>
      ${this.samples === 'missing'
        ? nothing
        : html`<div class="grid">
            ${this.renderSamples()}
            ${this.renderSample()}
          </div>`}
    `;
  }

  private renderDrawForm() {
    return html`<form class="draw" @submit=${this.draw} aria-label=${t('quality.newSample')}>
      <label>${t('quality.from')}<input type="date" name="from" required .value=${this.from} /></label>
      <label>${t('quality.to')}<input type="date" name="to" required .value=${this.to} /></label>
      <label
        >${t('quality.channel')}
        <select name="channel">
          <option value="">${t('quality.all')}</option>
          ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel.${c}` as MessageKey)}</option>`)}
        </select></label
      >
      <label
        >${t('quality.agent')}
        <select name="agentId">
          <option value="">${t('quality.allAgents')}</option>
          ${this.agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}
        </select></label
      >
      <label>${t('quality.count')}<input type="number" name="count" min="1" max="200" step="1" value="5" required /></label>
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('quality.draw')}</button>
    </form>`;
  }

  private renderSamples() {
    const samples = this.samples;
    return html`<section class="card" aria-labelledby="samples-title">
      <h3 id="samples-title">${t('quality.samples')}</h3>
      ${!samples?.length || samples === 'missing'
        ? html`<p class="muted">${t('quality.noSamples')}</p>`
        : html`<ul class="samples" data-testid="quality-samples">
            ${repeat(
              samples,
              (s) => s.id,
              (s) => html`<li>
                <button type="button" aria-pressed=${this.sample?.id === s.id} data-sample-id=${s.id} @click=${() => this.open(s.id)}>
                  <span>${shortDate(s.from)} – ${shortDate(new Date(Date.parse(s.to) - 1).toISOString())} · ${s.channel ? t(`channel.${s.channel}` as MessageKey) : t('quality.all')}</span>
                  <span class="muted">${t('quality.reviewedOf', { reviewed: s.reviewed, picked: s.picked })}</span>
                </button>
              </li>`,
            )}
          </ul>`}
    </section>`;
  }

  private renderSample() {
    const sample = this.sample;
    if (!sample) return html`<section class="card"><p class="muted">${t('quality.pickSample')}</p></section>`;
    const reviewing = sample.tasks.find((task) => task.taskId === this.reviewing) ?? null;
    return html`<section class="card" aria-labelledby="sample-title" data-testid="quality-sample" data-sample-id=${sample.id}>
      <h3 id="sample-title">${t('quality.tasks')}</h3>
      ${sample.tasks.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">${t('quality.task')}</th>
                <th scope="col">${t('quality.agent')}</th>
                <th scope="col">${t('quality.queue')}</th>
                <th scope="col">${t('quality.completed')}</th>
                <th scope="col">${t('quality.outcome')}</th>
                <th scope="col" class="num">${t('quality.score')}</th>
                <th scope="col"><span class="sr-only">${t('quality.review')}</span></th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                sample.tasks,
                (task) => task.taskId,
                (task) => html`<tr data-task-id=${task.taskId} class=${task.taskId === this.reviewing ? 'selected' : ''}>
                  <td>
                    <div class="title">${channelIcon(task.channel ?? '')} ${this.taskLabel(task)}</div>
                  </td>
                  <td>${task.agentName ?? '—'}</td>
                  <td>${task.queue ?? '—'}</td>
                  <td>${when(task.completedAt)}</td>
                  <td>${task.disposition ? tOr(`disposition.${task.disposition}`, task.disposition) : '—'}</td>
                  <td class="num" data-field="score"
                    >${task.review ? html`<span class="score">${task.review.score}</span>` : html`<span class="muted">${t('quality.notReviewed')}</span>`}</td
                  >
                  <td>
                    <button type="button" data-review=${task.taskId} aria-label="${t('quality.review')} — ${this.taskLabel(task)}" @click=${() => this.startReview(task.taskId)}>
                      ${task.review ? t('quality.reviewAgain') : t('quality.review')}
                    </button>
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('quality.noTasks')}</p>`}
      ${reviewing ? this.renderReviewForm(reviewing) : nothing}
    </section>`;
  }

  private renderReviewForm(task: SampledTask) {
    const previous = task.review;
    return html`<form class="review" aria-label=${t('quality.reviewFor', { task: this.taskLabel(task) })} @submit=${this.saveReview} @keydown=${this.onFormKey}>
      <h3>${t('quality.reviewFor', { task: this.taskLabel(task) })}</h3>
      <label
        >${t('quality.scoreLabel')}
        <input type="number" name="score" min="0" max="100" step="1" required .value=${previous ? String(previous.score) : ''} />
      </label>
      <fieldset>
        <legend>${t('quality.criteria')}</legend>
        ${CRITERIA.map(
          (c) => html`<label
            >${t(`quality.criterion.${c}` as MessageKey)}
            <input type="number" name="criterion-${c}" min="0" max="100" step="1" .value=${previous?.criteria[c] !== undefined ? String(previous.criteria[c]) : ''}
          /></label>`,
        )}
      </fieldset>
      <label>${t('quality.comment')}<textarea name="comment" maxlength="4000" .value=${previous?.comment ?? ''}></textarea></label>
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('quality.save')}</button>
        <button type="button" @click=${() => this.closeReview()}>${t('quality.cancel')}</button>
      </div>
    </form>`;
  }

  private taskLabel(task: SampledTask): string {
    return task.subject ?? task.from ?? `${tOr(`channel.${task.channel}`, task.channel ?? '')} ${task.taskId.slice(0, 8)}`;
  }

  private async load(): Promise<void> {
    try {
      const [agents, samples] = await Promise.all([api<AgentRecord[]>('GET', '/api/agents'), api<QualitySampleSummary[]>('GET', '/api/quality/samples')]);
      this.agents = agents.sort((a, b) => a.name.localeCompare(b.name));
      this.samples = samples;
    } catch (error) {
      if (isMissing(error)) this.samples = 'missing';
      else this.fail(error);
    }
  }

  private async draw(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.from = String(data.get('from'));
    this.to = String(data.get('to'));
    const body: Record<string, unknown> = { from: startOf(this.from), to: startOf(this.to, 1), count: Number(data.get('count')) };
    if (data.get('channel')) body.channel = String(data.get('channel'));
    if (data.get('agentId')) body.agentId = String(data.get('agentId'));
    this.busy = true;
    try {
      this.sample = await api<QualitySampleView>('POST', '/api/quality/samples', body);
      this.reviewing = null;
      this.status = { kind: 'ok', text: t('quality.drawn', { count: this.sample.tasks.length }) };
      this.samples = await api<QualitySampleSummary[]>('GET', '/api/quality/samples');
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private async open(id: string): Promise<void> {
    try {
      this.sample = await api<QualitySampleView>('GET', `/api/quality/samples/${id}`);
      this.reviewing = null;
    } catch (error) {
      this.fail(error);
    }
  }

  private async startReview(taskId: string): Promise<void> {
    this.reviewing = taskId;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form.review input[name=score]')?.focus();
  }

  private async closeReview(): Promise<void> {
    const taskId = this.reviewing;
    this.reviewing = null;
    await this.updateComplete;
    if (taskId) this.renderRoot.querySelector<HTMLButtonElement>(`button[data-review="${CSS.escape(taskId)}"]`)?.focus();
  }

  private onFormKey(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    void this.closeReview();
  }

  private async saveReview(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const sample = this.sample;
    const taskId = this.reviewing;
    if (!sample || !taskId) return;
    const data = new FormData(event.target as HTMLFormElement);
    const criteria: Record<string, number> = {};
    for (const c of CRITERIA) {
      const value = String(data.get(`criterion-${c}`) ?? '').trim();
      if (value !== '') criteria[c] = Number(value);
    }
    const comment = String(data.get('comment') ?? '').trim();
    this.busy = true;
    try {
      const review = await api<QualityReviewView>('POST', '/api/quality/reviews', {
        taskId,
        sampleId: sample.id,
        score: Number(data.get('score')),
        ...(Object.keys(criteria).length ? { criteria } : {}),
        ...(comment ? { comment } : {}),
      });
      this.sample = {
        ...sample,
        tasks: sample.tasks.map((task) =>
          task.taskId === taskId
            ? { ...task, review: { id: review.id, score: review.score, criteria: review.criteria, comment: review.comment, reviewerId: review.reviewerId, createdAt: review.createdAt } }
            : task,
        ),
      };
      this.status = { kind: 'ok', text: t('quality.saved') };
      this.samples = await api<QualitySampleSummary[]>('GET', '/api/quality/samples');
      await this.closeReview();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private fail(error: unknown): void {
    this.status = { kind: 'error', text: t('sup.error', { message: error instanceof Error ? error.message : String(error) }) };
  }
}
