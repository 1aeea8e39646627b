import { saveBlob } from '../../lib/api';
import type { HourByChannelRow } from '../../../../src/reports/report-summary';

const HOUR = 3_600_000;
/** Beyond a month of hours, only the hours with activity are drawn (a bar per hour would be unreadable anyway). */
const MAX_FILLED_HOURS = 24 * 31;

/**
 * The hours of the summary (only hours with activity come from the server)
 * made contiguous from the first to the last, the quiet hours as zeros, so
 * the chart's time axis is not squeezed.
 */
export function hourSeries(rows: HourByChannelRow[]): HourByChannelRow[] {
  if (rows.length < 2) return rows;
  const first = new Date(rows[0].start).getTime();
  const last = new Date(rows[rows.length - 1].start).getTime();
  const span = Math.round((last - first) / HOUR) + 1;
  if (span > MAX_FILLED_HOURS) return rows;
  const byStart = new Map(rows.map((row) => [new Date(row.start).getTime(), row]));
  const zero = () => ({ voice: 0, chat: 0, email: 0 });
  return Array.from({ length: span }, (_, i) => {
    const at = first + i * HOUR;
    return byStart.get(at) ?? { start: new Date(at).toISOString(), received: zero(), handled: zero(), abandoned: zero() };
  });
}

/** Saves text as a file (the CSV export). */
export function saveText(text: string, type: string, filename: string): void {
  saveBlob(new Blob([text], { type }), filename);
}
