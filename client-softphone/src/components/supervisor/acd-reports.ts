import { html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Chart as ChartType } from 'chart.js';
import { api, isMissing } from '../../lib/api';
import { CHANNELS } from '../../lib/contract';
import { formatDuration, formatPercent, t, type MessageKey } from '../../lib/i18n';
import { AcdElement } from '../../lib/store';
import { shared } from '../styles';

type Summary = Record<string, unknown>;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * PLACEHOLDER (reports issue): bound to `GET /api/reports/summary?from&to&channel`
 * (JSON, or CSV with `Accept: text/csv`). Until the reports land it renders
 * whatever numbers the summary carries — a bar chart of any per-channel
 * counts, a table of top-level figures — and says so on 404. chart.js is
 * loaded with this page only.
 */
@customElement('acd-reports')
export class AcdReports extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      .charts { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 1rem; }
      @media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
      canvas { max-height: 320px; }
    `,
  ];

  @state() private summary: Summary | 'missing' | null = null;
  @state() private error: string | null = null;
  @query('canvas') private canvas?: HTMLCanvasElement;
  private chart: ChartType | null = null;
  private from = day(-7);
  private to = day(1);
  private channel = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
  }

  override render() {
    const summary = this.summary;
    return html`
      <section class="card" aria-labelledby="reports-title">
        <h2 id="reports-title">${t('reports.title')}</h2>
        <form @submit=${this.submit}>
          <label>${t('reports.from')}<input type="date" name="from" .value=${this.from} /></label>
          <label>${t('reports.to')}<input type="date" name="to" .value=${this.to} /></label>
          <label
            >${t('reports.channel')}
            <select name="channel">
              <option value="">${t('reports.all')}</option>
              ${CHANNELS.map((c) => html`<option value=${c} ?selected=${c === this.channel}>${t(`channel.${c}` as MessageKey)}</option>`)}
            </select></label
          >
          <button class="primary" type="submit">${t('reports.load')}</button>
          <button type="button" @click=${this.exportCsv} ?disabled=${summary === 'missing'}>${t('reports.csv')}</button>
        </form>
      </section>
      ${this.error ? html`<p class="card" role="alert">${t('sup.error', { message: this.error })}</p>` : nothing}
      ${summary === 'missing'
        ? html`<p class="card muted" data-testid="reports-unavailable">${t('reports.unavailable')}</p>`
        : summary
          ? html`<div class="charts">
              <section class="card" aria-label=${this.chartTitle(summary)}>
                <h3>${this.chartTitle(summary)}</h3>
                <canvas role="img" aria-label=${this.chartTitle(summary)}></canvas>
              </section>
              <section class="card" aria-label=${t('reports.figures')}>
                <h3>${t('reports.figures')}</h3>
                ${this.figures(summary)}
              </section>
            </div>
            ${this.agentTable(summary)}`
          : nothing}
    `;
  }

  private chartTitle(summary: Summary): string {
    return this.perHour(summary) ? t('reports.byHour') : t('reports.byChannel');
  }

  /** The per-agent table (`agents` of the summary: name, handled, average handle time, occupancy). */
  private agentTable(summary: Summary) {
    if (!Array.isArray(summary.agents) || !summary.agents.length) return nothing;
    const rows = summary.agents as Array<{ agentId: string; name: string | null; handled: number; averageHandleSeconds: number | null; occupancy: number }>;
    return html`<section class="card" aria-labelledby="report-agents">
      <h3 id="report-agents">${t('sup.agents')}</h3>
      <table>
        <thead><tr><th scope="col">${t('sup.agent')}</th><th scope="col" class="num">${t('reports.handled')}</th><th scope="col" class="num">${t('reports.aht')}</th><th scope="col" class="num">${t('reports.occupancy')}</th></tr></thead>
        <tbody>
          ${rows.map((r) => html`<tr><th scope="row">${r.name ?? r.agentId.slice(0, 8)}</th><td class="num">${r.handled}</td><td class="num">${r.averageHandleSeconds === null ? '—' : formatDuration(r.averageHandleSeconds)}</td><td class="num">${formatPercent(r.occupancy)}</td></tr>`)}
        </tbody>
      </table>
    </section>`;
  }

  override updated(): void {
    if (this.summary && this.summary !== 'missing') void this.draw(this.summary);
  }

  private figures(summary: Summary) {
    const rows = Object.entries(summary).filter(([, v]) => typeof v === 'number');
    if (!rows.length) return html`<p class="muted">${t('reports.empty')}</p>`;
    return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>`;
  }

  /** Per-channel counts: the first object of the summary whose keys are channels and values numbers. */
  private byChannel(summary: Summary): Record<string, number> {
    const pick = (value: unknown): Record<string, number> | null => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
      const entries = Object.entries(value as Record<string, unknown>);
      const counts = entries.filter(([k, v]) => (CHANNELS as readonly string[]).includes(k) && typeof v === 'number');
      if (counts.length) return Object.fromEntries(counts) as Record<string, number>;
      for (const [, inner] of entries) {
        const found = pick(inner);
        if (found) return found;
      }
      return null;
    };
    return pick(summary) ?? {};
  }

  /** Rows per hour (`perHour` of the summary: {start, received, handled, abandoned}), if the summary has them. */
  private perHour(summary: Summary): Array<{ start: string; received: number; handled: number; abandoned: number }> | null {
    return Array.isArray(summary.perHour) ? (summary.perHour as Array<{ start: string; received: number; handled: number; abandoned: number }>) : null;
  }

  private async draw(summary: Summary): Promise<void> {
    if (!this.canvas) return;
    const { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend } = await import('chart.js');
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
    this.chart?.destroy();
    const hours = this.perHour(summary);
    const data = hours
      ? {
          labels: hours.map((row) => new Date(row.start).toLocaleString(undefined, { day: '2-digit', month: '2-digit', hour: '2-digit' })),
          datasets: [
            { label: t('reports.received'), data: hours.map((row) => row.received), backgroundColor: '#1f5fbf' },
            { label: t('reports.handled'), data: hours.map((row) => row.handled), backgroundColor: '#1b7f4b' },
            { label: t('reports.abandoned'), data: hours.map((row) => row.abandoned), backgroundColor: '#b3261e' },
          ],
        }
      : (() => {
          const counts = this.byChannel(summary);
          return {
            labels: CHANNELS.map((c) => t(`channel.${c}` as MessageKey)),
            datasets: [{ label: t('reports.byChannel'), data: CHANNELS.map((c) => counts[c] ?? 0), backgroundColor: ['#1b7f4b', '#1f5fbf', '#8a4fbf'] }],
          };
        })();
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data,
      options: { responsive: true, animation: false, plugins: { legend: { display: Boolean(hours) } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  private query(): string {
    const params = new URLSearchParams({ from: this.from, to: this.to });
    if (this.channel) params.set('channel', this.channel);
    return `/api/reports/summary?${params}`;
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.from = String(data.get('from') || this.from);
    this.to = String(data.get('to') || this.to);
    this.channel = String(data.get('channel') ?? '');
    void this.load();
  }

  private async load(): Promise<void> {
    this.error = null;
    try {
      this.summary = await api<Summary>('GET', this.query());
    } catch (error) {
      if (isMissing(error)) this.summary = 'missing';
      else this.error = error instanceof Error ? error.message : String(error);
    }
  }

  private async exportCsv(): Promise<void> {
    try {
      const csv = await api<string>('GET', this.query(), undefined, 'text/csv');
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `acd-report-${this.from}-${this.to}.csv` });
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}
