/**
 * The summary table: every figure of the run, the machine's limits measured in
 * the same run beside the product's, each product figure with its target and
 * PASS / MISSED. The numbers are the point, so a miss never fails the process.
 */
export type Verdict = 'PASS' | 'MISSED' | 'limit' | 'info' | 'ERROR';

export interface Row {
  section: string;
  figure: string;
  target: string;
  measured: string;
  verdict: Verdict;
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  limit(section: string, figure: string, measured: string): void {
    this.rows.push({ section, figure, target: '', measured, verdict: 'limit' });
  }

  info(section: string, figure: string, measured: string): void {
    this.rows.push({ section, figure, target: '', measured, verdict: 'info' });
  }

  /** A product figure against its target; `pass` decides the verdict. */
  check(section: string, figure: string, target: string, measured: string, pass: boolean): void {
    this.rows.push({ section, figure, target, measured, verdict: pass ? 'PASS' : 'MISSED' });
  }

  error(section: string, figure: string, message: string, target = ''): void {
    this.rows.push({ section, figure, target, measured: message, verdict: 'ERROR' });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  render(title: string): string {
    const header: Row = { section: 'part', figure: 'figure', target: 'target', measured: 'measured', verdict: 'result' as Verdict };
    // Grouped by part (stable: within a part, in the order measured); limits measured later join their part.
    const rows = [...this.rows].sort((a, b) => (a.section < b.section ? -1 : a.section > b.section ? 1 : 0));
    const all = [header, ...rows];
    const width = (pick: (row: Row) => string): number => Math.max(...all.map((row) => pick(row).length));
    const w = [width((r) => r.section), width((r) => r.figure), width((r) => r.target), width((r) => r.measured), width((r) => r.verdict)];
    const line = (row: Row): string =>
      `| ${row.section.padEnd(w[0])} | ${row.figure.padEnd(w[1])} | ${row.target.padEnd(w[2])} | ${row.measured.padStart(w[3])} | ${row.verdict.padEnd(w[4])} |`;
    const rule = `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`;
    const out = [title, '', line(header), rule];
    let previous = '';
    for (const row of rows) {
      out.push(line(row.section === previous ? { ...row, section: '' } : row));
      previous = row.section;
    }
    const missed = this.rows.filter((row) => row.verdict === 'MISSED' || row.verdict === 'ERROR');
    const checked = this.rows.filter((row) => row.verdict === 'PASS' || row.verdict === 'MISSED' || row.verdict === 'ERROR');
    out.push('');
    out.push(
      missed.length === 0
        ? `All ${checked.length} targets met.`
        : `TARGETS MISSED: ${missed.length} of ${checked.length} — ${missed.map((row) => `${row.figure} (${row.verdict})`).join('; ')}`,
    );
    if (this.notes.length > 0) {
      out.push('', 'Notes:');
      for (const note of this.notes) out.push(`- ${note}`);
    }
    return out.join('\n');
  }
}
