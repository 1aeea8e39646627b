import { stringify } from 'csv-stringify/sync';
import { ReportSummary } from './report-summary';

/**
 * The report as one CSV in long form: `section,key,metric,value`, one row per
 * figure (summary, per agent, per day, per hour, csat, per channel, per queue,
 * per hour and channel, response-time bucket), so a spreadsheet can pivot it
 * and new figures never shift columns.
 */
export function reportToCsv(report: ReportSummary): string {
  const rows: Array<[string, string, string, string | number | null]> = [];
  const scalar = (metric: string, value: string | number | null) => rows.push(['summary', '', metric, value]);
  scalar('from', report.from);
  scalar('to', report.to);
  scalar('channel', report.channel ?? 'all');
  scalar('received', report.received);
  scalar('handled', report.handled);
  scalar('unhandled', report.unhandled);
  scalar('abandoned', report.abandoned);
  scalar('canceled', report.canceled);
  scalar('transferred', report.transferred);
  scalar('escalated', report.escalated);
  scalar('answered', report.firstResponse.answered);
  scalar('firstResponseAverageSeconds', report.firstResponse.averageSeconds);
  scalar('firstResponseMedianSeconds', report.firstResponse.medianSeconds);
  scalar('firstResponseP90Seconds', report.firstResponse.p90Seconds);
  scalar('slaMetPercent', report.slaMetPercent);
  scalar('agentsInvolved', report.agentsInvolved);
  for (const agent of report.agents) {
    const key = agent.name ? `${agent.name} (${agent.agentId})` : agent.agentId;
    rows.push(['agent', key, 'handled', agent.handled]);
    rows.push(['agent', key, 'averageHandleSeconds', agent.averageHandleSeconds]);
    rows.push(['agent', key, 'occupancy', agent.occupancy]);
  }
  for (const [section, list] of [['day', report.perDay], ['hour', report.perHour]] as const) {
    for (const row of list) {
      rows.push([section, row.start, 'received', row.received]);
      rows.push([section, row.start, 'handled', row.handled]);
      rows.push([section, row.start, 'abandoned', row.abandoned]);
    }
  }
  rows.push(['csat', '', 'responses', report.csat.responses]);
  rows.push(['csat', '', 'averageScore', report.csat.averageScore]);
  for (const [score, count] of Object.entries(report.csat.distribution)) rows.push(['csat', score, 'count', count]);
  for (const row of report.perChannel) {
    for (const metric of ['received', 'handled', 'abandoned', 'answered', 'withinSla', 'averageAnswerSeconds', 'slaMetPercent'] as const) rows.push(['channel', row.channel, metric, row[metric]]);
  }
  for (const row of report.perQueue) {
    const key = row.name ? `${row.name} (${row.queueId})` : row.queueId;
    for (const metric of ['received', 'handled', 'abandoned', 'answered', 'withinSla', 'averageAnswerSeconds', 'slaMetPercent', 'slaSeconds'] as const) rows.push(['queue', key, metric, row[metric]]);
  }
  for (const row of report.perHourByChannel) {
    for (const figure of ['received', 'handled', 'abandoned'] as const) {
      for (const [channel, count] of Object.entries(row[figure])) rows.push(['hourByChannel', row.start, `${figure}.${channel}`, count]);
    }
  }
  for (const bucket of report.responseTimeDistribution) {
    rows.push(['responseTime', bucket.bucket, 'count', bucket.count]);
    for (const [channel, count] of Object.entries(bucket.byChannel)) rows.push(['responseTime', bucket.bucket, `count.${channel}`, count]);
  }
  return stringify(rows.map(([section, key, metric, value]) => [section, key, metric, value === null ? '' : String(value)]), {
    header: true,
    columns: ['section', 'key', 'metric', 'value'],
  });
}
