import { html, css, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Chart as ChartType, ChartDataset } from 'chart.js';
import type { ChannelReportRow, HourByChannelRow, QueueReportRow, ReportSummary, ResponseTimeBucket } from '../../../../src/reports/report-summary';
import { api, isMissing } from '../../lib/api';
import { CHANNELS, type Channel } from '../../lib/contract';
import { formatDuration, formatPercent, language, t, type MessageKey } from '../../lib/i18n';
import { AcdElement } from '../../lib/store';
import { shared } from '../styles';
import { hourSeries, saveText } from './report-helpers';

/** Channel colours, the same as the badges (styles.ts). */
const COLOURS: Record<Channel, string> = { voice: '#1b7f4b', chat: '#1f5fbf', email: '#8a4fbf' };

/** YYYY-MM-DD of today + offset days, in local time (what a date input shows). */
const localDay = (offset = 0): string => {
  const date = new Date();
  date.setDate(date.getDate() + offset);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};

/** Local midnight of a YYYY-MM-DD, plus `days`. */
const midnight = (day: string, days = 0): Date => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + days);
};

/**
 * The supervisor's reports page, bound to `GET /api/reports/summary?from&to&channel`:
 * a period (whole local days, both ends included) and a channel, headline
 * tiles, a stacked bar chart of the contacts received per hour and channel,
 * the response-time distribution, the service level per channel and queue,
 * the per-agent table and a CSV export (the server's CSV, fetched with the
 * bearer token). Each chart has a text summary as its accessible name and
 * its figures as a table beside it. chart.js is loaded with this page only.
 */
@customElement('acd-reports')
export class AcdReports extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin-top: .75rem; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 1rem; }
      .tile .value { font-size: 2rem; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
      .tile .label { color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }
      .charts { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; }
      @media (max-width: 1000px) { .charts { grid-template-columns: 1fr; } }
      .chart { position: relative; height: 300px; margin: .5rem 0; }
      details summary { cursor: pointer; color: var(--accent); }
      details table { margin-top: .5rem; font-size: .9rem; }
      .scroll { overflow-x: auto; }
      .sla-good { color: var(--ok); font-weight: 600; }
      .sla-bad { color: var(--danger); font-weight: 600; }
      h3 + table, h4 + table { margin-top: .5rem; }
      h4 { margin: 1rem 0 0; font-size: .9rem; }
    `,
  ];

  @state() private summary: ReportSummary | 'missing' | null = null;
  @state() private error: string | null = null;
  @state() private status: string | null = null;
  @state() private loading = false;
  @query('canvas[data-chart=volume]') private volumeCanvas?: HTMLCanvasElement;
  @query('canvas[data-chart=response]') private responseCanvas?: HTMLCanvasElement;
  private charts: ChartType[] = [];
  /** What the charts show now: redrawn only when the summary or the language changes. */
  private drawn: { summary: ReportSummary; language: string } | null = null;
  private from = localDay(-6);
  private to = localDay(0);
  private channel = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.destroyCharts();
  }

  override render() {
    const summary = this.summary;
    const period = this.period();
    return html`
      <section class="card" aria-labelledby="reports-title">
        <h2 id="reports-title">${t('reports.title')}</h2>
        <form @submit=${this.submit} data-from=${period?.from ?? ''} data-to=${period?.to ?? ''} data-channel=${this.channel}>
          <label>${t('reports.from')}<input type="date" name="from" required .value=${this.from} /></label>
          <label>${t('reports.to')}<input type="date" name="to" required .value=${this.to} /></label>
          <label
            >${t('reports.channel')}
            <select name="channel">
              <option value="" ?selected=${this.channel === ''}>${t('reports.all')}</option>
              ${CHANNELS.map((c) => html`<option value=${c} ?selected=${c === this.channel}>${t(`channel.${c}` as MessageKey)}</option>`)}
            </select></label
          >
          <button class="primary" type="submit">${t('reports.load')}</button>
          <button type="button" data-testid="reports-csv" @click=${this.exportCsv} ?disabled=${summary === 'missing' || !period}>${t('reports.csv')}</button>
        </form>
        <p class="muted" role="status" aria-live="polite" data-testid="reports-status">${this.loading ? t('reports.loading') : (this.status ?? '')}</p>
      </section>
      ${this.error ? html`<p class="card" role="alert">${t('sup.error', { message: this.error })}</p>` : nothing}
      ${summary === 'missing'
        ? html`<p class="card muted" data-testid="reports-unavailable">${t('reports.unavailable')}</p>`
        : summary
          ? this.renderReport(summary)
          : nothing}
    `;
  }

  private renderReport(summary: ReportSummary) {
    const sla = summary.slaMetPercent;
    return html`<div aria-busy=${String(this.loading)} data-testid="report" data-report-from=${summary.from} data-report-to=${summary.to} style="display: grid; gap: 1rem">
      <div class="tiles" role="group" aria-label=${t('reports.headline')}>
        ${this.tile('received', t('reports.received'), summary.received, this.count(summary.received))}
        ${this.tile('handled', t('reports.handled'), summary.handled, this.count(summary.handled))}
        ${this.tile('abandoned', t('reports.abandoned'), summary.abandoned, this.count(summary.abandoned))}
        ${this.tile('sla', t('reports.slaMet'), sla, formatPercent(sla === null ? null : sla / 100))}
        ${this.tile('answer', t('reports.avgAnswer'), summary.firstResponse.averageSeconds, this.duration(summary.firstResponse.averageSeconds))}
      </div>
      ${summary.received + summary.handled + summary.abandoned === 0 ? html`<p class="card muted" data-testid="reports-empty">${t('reports.noActivity')}</p>` : nothing}
      <div class="charts">${this.volumeSection(summary)} ${this.responseSection(summary)}</div>
      ${this.slaSection(summary)} ${this.agentSection(summary)}
    </div>`;
  }

  private tile(field: string, label: string, value: number | null, text: string) {
    return html`<div class="card tile" data-testid="report-tile" data-field=${field} data-value=${value === null ? '' : String(value)}>
      <div class="value">${text}</div>
      <div class="label">${label}</div>
    </div>`;
  }

  private volumeSection(summary: ReportSummary) {
    const hours = hourSeries(summary.perHourByChannel);
    const channels = this.channelsShown(summary);
    const totals = hours.map((h) => channels.reduce((sum, c) => sum + h.received[c], 0));
    const total = totals.reduce((a, b) => a + b, 0);
    const peakIndex = totals.indexOf(Math.max(0, ...totals));
    const label = hours.length
      ? `${t('reports.volumeChart')}. ${t('reports.volumeSummary', { total: this.count(total), peak: this.hourLabel(hours[peakIndex].start, hours), peakCount: totals[peakIndex] })}`
      : `${t('reports.volumeChart')}. ${t('reports.noActivity')}`;
    return html`<section class="card" aria-labelledby="report-volume">
      <h3 id="report-volume">${t('reports.volumeChart')}</h3>
      <div class="chart"><canvas data-chart="volume" role="img" aria-label=${label}>${label}</canvas></div>
      <details>
        <summary>${t('reports.asTable')}</summary>
        <div class="scroll">
          <table data-testid="volume-table">
            <thead><tr><th scope="col">${t('reports.hour')}</th>${channels.map((c) => html`<th scope="col" class="num">${t(`channel.${c}` as MessageKey)}</th>`)}<th scope="col" class="num">${t('reports.total')}</th></tr></thead>
            <tbody>
              ${hours.map((h, i) => html`<tr><th scope="row">${this.hourLabel(h.start, hours)}</th>${channels.map((c) => html`<td class="num">${h.received[c]}</td>`)}<td class="num">${totals[i]}</td></tr>`)}
            </tbody>
          </table>
        </div>
      </details>
    </section>`;
  }

  private responseSection(summary: ReportSummary) {
    const buckets = summary.responseTimeDistribution;
    const answered = buckets.reduce((sum, b) => sum + b.count, 0);
    const top = buckets.reduce<ResponseTimeBucket | null>((best, b) => (b.count > (best?.count ?? 0) ? b : best), null);
    const label = top
      ? `${t('reports.responseChart')}. ${t('reports.responseSummary', { answered: this.count(answered), bucket: this.bucketLabel(top) })}`
      : `${t('reports.responseChart')}. ${t('reports.noActivity')}`;
    const channels = this.channelsShown(summary);
    return html`<section class="card" aria-labelledby="report-response">
      <h3 id="report-response">${t('reports.responseChart')}</h3>
      <div class="chart"><canvas data-chart="response" role="img" aria-label=${label}>${label}</canvas></div>
      <details>
        <summary>${t('reports.asTable')}</summary>
        <table data-testid="response-table">
          <thead><tr><th scope="col">${t('reports.bucket')}</th>${channels.map((c) => html`<th scope="col" class="num">${t(`channel.${c}` as MessageKey)}</th>`)}<th scope="col" class="num">${t('reports.total')}</th></tr></thead>
          <tbody>
            ${buckets.map((b) => html`<tr data-bucket=${b.bucket}><th scope="row">${this.bucketLabel(b)}</th>${channels.map((c) => html`<td class="num">${b.byChannel[c]}</td>`)}<td class="num">${b.count}</td></tr>`)}
          </tbody>
        </table>
      </details>
    </section>`;
  }

  private slaSection(summary: ReportSummary) {
    const channels = summary.perChannel.filter((row) => !summary.channel || row.channel === summary.channel);
    const head = (first: string, extra?: string) =>
      html`<thead><tr><th scope="col">${first}</th>${extra ? html`<th scope="col" class="num">${extra}</th>` : nothing}<th scope="col" class="num">${t('reports.received')}</th><th scope="col" class="num">${t('reports.handled')}</th><th scope="col" class="num">${t('reports.abandoned')}</th><th scope="col" class="num">${t('reports.answered')}</th><th scope="col" class="num">${t('reports.avgAnswer')}</th><th scope="col" class="num">${t('reports.withinSla')}</th><th scope="col" class="num">${t('reports.slaMet')}</th></tr></thead>`;
    const cells = (row: Omit<ChannelReportRow, 'channel'>) =>
      html`<td class="num" data-field="received">${row.received}</td><td class="num" data-field="handled">${row.handled}</td><td class="num" data-field="abandoned">${row.abandoned}</td><td class="num" data-field="answered">${row.answered}</td><td class="num">${this.duration(row.averageAnswerSeconds)}</td><td class="num">${row.withinSla}</td><td class="num ${this.slaClass(row.slaMetPercent)}" data-field="sla">${formatPercent(row.slaMetPercent === null ? null : row.slaMetPercent / 100)}</td>`;
    return html`<section class="card" aria-labelledby="report-sla">
      <h3 id="report-sla">${t('reports.slaTitle')}</h3>
      <div class="scroll">
        <table data-testid="sla-channels">
          <caption class="sr-only">${t('reports.byChannel')}</caption>
          ${head(t('reports.channel'))}
          <tbody>${channels.map((row) => html`<tr data-channel=${row.channel}><th scope="row">${t(`channel.${row.channel}` as MessageKey)}</th>${cells(row)}</tr>`)}</tbody>
        </table>
      </div>
      <h4>${t('reports.byQueue')}</h4>
      <div class="scroll">
        <table data-testid="sla-queues">
          <caption class="sr-only">${t('reports.byQueue')}</caption>
          ${head(t('reports.queue'), t('reports.slaTarget'))}
          <tbody>${summary.perQueue.map((row) => this.queueRow(row, cells))}</tbody>
        </table>
      </div>
    </section>`;
  }

  private queueRow(row: QueueReportRow, cells: (row: QueueReportRow) => unknown) {
    const channel = row.channel && (CHANNELS as readonly string[]).includes(row.channel) ? t(`channel.${row.channel}` as MessageKey) : '';
    return html`<tr data-queue-id=${row.queueId}>
      <th scope="row">${row.name ?? t('reports.unknownQueue')}${channel ? html` <span class="badge ${row.channel}">${channel}</span>` : nothing}</th>
      <td class="num">${row.slaSeconds === null ? '—' : formatDuration(row.slaSeconds)}</td>
      ${cells(row)}
    </tr>`;
  }

  private agentSection(summary: ReportSummary) {
    return html`<section class="card" aria-labelledby="report-agents">
      <h3 id="report-agents">${t('reports.agentsTitle')}</h3>
      ${summary.agents.length
        ? html`<table data-testid="agents-table">
            <thead><tr><th scope="col">${t('sup.agent')}</th><th scope="col" class="num">${t('reports.handled')}</th><th scope="col" class="num">${t('reports.aht')}</th><th scope="col" class="num">${t('reports.occupancy')}</th></tr></thead>
            <tbody>
              ${summary.agents.map(
                (r) => html`<tr data-agent-id=${r.agentId}>
                  <th scope="row" data-field="name">${r.name ?? r.agentId.slice(0, 8)}</th>
                  <td class="num" data-field="handled">${r.handled}</td>
                  <td class="num" data-field="aht">${this.duration(r.averageHandleSeconds)}</td>
                  <td class="num" data-field="occupancy">${formatPercent(r.occupancy)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">${t('reports.empty')}</p>`}
    </section>`;
  }

  override updated(changed: PropertyValues): void {
    super.updated(changed);
    const summary = this.summary;
    if (!summary || summary === 'missing') return;
    if (this.drawn?.summary === summary && this.drawn.language === language()) return;
    this.drawn = { summary, language: language() };
    void this.draw(summary);
  }

  private async draw(summary: ReportSummary): Promise<void> {
    const { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend } = await import('chart.js');
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
    if (this.drawn?.summary !== summary || !this.volumeCanvas || !this.responseCanvas) return;
    this.destroyCharts();
    const channels = this.channelsShown(summary);
    const hours = hourSeries(summary.perHourByChannel);
    const dataset = (channel: Channel, data: number[]): ChartDataset<'bar', number[]> => ({ label: t(`channel.${channel}` as MessageKey), data, backgroundColor: COLOURS[channel], stack: 'all', maxBarThickness: 56 });
    const options = (x: string, y: string) => ({
      responsive: true,
      maintainAspectRatio: false,
      animation: false as const,
      plugins: { legend: { display: channels.length > 1 } },
      scales: {
        x: { stacked: true, title: { display: true, text: x } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: y } },
      },
    });
    const volume = new Chart(this.volumeCanvas, {
      type: 'bar',
      data: { labels: hours.map((h) => this.hourLabel(h.start, hours)), datasets: channels.map((c) => dataset(c, hours.map((h) => h.received[c]))) },
      options: options(t('reports.hour'), t('reports.received')),
    });
    const response = new Chart(this.responseCanvas, {
      type: 'bar',
      data: {
        labels: summary.responseTimeDistribution.map((b) => this.bucketLabel(b)),
        datasets: channels.map((c) => dataset(c, summary.responseTimeDistribution.map((b) => b.byChannel[c]))),
      },
      options: options(t('reports.bucket'), t('reports.answered')),
    });
    this.charts = [volume, response];
    // What the charts hold, for tests and tools: bars, series and the sum of every bar.
    for (const chart of this.charts) {
      const canvas = chart.canvas;
      canvas.dataset.labels = String(chart.data.labels?.length ?? 0);
      canvas.dataset.series = String(chart.data.datasets.length);
      canvas.dataset.total = String(chart.data.datasets.reduce((sum, d) => sum + (d.data as number[]).reduce((a, b) => a + b, 0), 0));
      canvas.dataset.rendered = 'true';
    }
  }

  private destroyCharts(): void {
    this.charts.forEach((chart) => chart.destroy());
    this.charts = [];
  }

  /** Every channel, or only the filtered one. */
  private channelsShown(summary: ReportSummary): Channel[] {
    return CHANNELS.filter((c) => !summary.channel || summary.channel === c);
  }

  private count(value: number): string {
    return new Intl.NumberFormat(language()).format(value);
  }

  private duration(seconds: number | null): string {
    return seconds === null ? '—' : formatDuration(seconds);
  }

  private slaClass(percent: number | null): string {
    return percent === null ? '' : percent >= 80 ? 'sla-good' : 'sla-bad';
  }

  /** "14:00", or "06/12 14:00" when the hours span several days. */
  private hourLabel(start: string, hours: HourByChannelRow[]): string {
    const days = new Set(hours.map((h) => new Date(h.start).toDateString())).size;
    const format = new Intl.DateTimeFormat(language(), days > 1 ? { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
    return format.format(new Date(start));
  }

  /** "0–10 s", "1–5 min", "over 24 h": the unit of the bucket's upper bound. */
  private bucketLabel(bucket: ResponseTimeBucket): string {
    const unitOf = (seconds: number): [number, string] => (seconds <= 60 ? [1, 's'] : seconds <= 3600 ? [60, 'min'] : [3600, 'h']);
    const number = new Intl.NumberFormat(language(), { maximumFractionDigits: 1 });
    if (bucket.maxSeconds === null) {
      const [size, unit] = unitOf(bucket.minSeconds);
      return t('reports.bucketOver', { value: `${number.format(bucket.minSeconds / size)} ${unit}` });
    }
    const [size, unit] = unitOf(bucket.maxSeconds);
    return `${number.format(bucket.minSeconds / size)}–${number.format(bucket.maxSeconds / size)} ${unit}`;
  }

  /** The period asked for: local midnight of `from` to the midnight after `to` (both days included); null when reversed. */
  private period(): { from: string; to: string } | null {
    const from = midnight(this.from);
    const to = midnight(this.to, 1);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) return null;
    return { from: from.toISOString(), to: to.toISOString() };
  }

  private query(): string | null {
    const period = this.period();
    if (!period) return null;
    const params = new URLSearchParams(period);
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
    this.status = null;
    const path = this.query();
    if (!path) {
      this.error = t('reports.badPeriod');
      return;
    }
    this.loading = true;
    try {
      this.summary = await api<ReportSummary>('GET', path);
      this.status = t('reports.loaded');
    } catch (error) {
      if (isMissing(error)) this.summary = 'missing';
      else this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** The server's CSV (bearer token, so fetched rather than linked), saved through a blob URL kept until the download has started. */
  private async exportCsv(): Promise<void> {
    const path = this.query();
    if (!path) {
      this.error = t('reports.badPeriod');
      return;
    }
    this.error = null;
    try {
      const csv = await api<string>('GET', path, undefined, 'text/csv');
      saveText(csv, 'text/csv;charset=utf-8', `acd-report-${this.from}-${this.to}${this.channel ? `-${this.channel}` : ''}.csv`);
      this.status = t('reports.exported');
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}
