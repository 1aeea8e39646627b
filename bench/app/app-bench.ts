import { Report } from '../support/report';
export async function runAppBench(report: Report, log: (line: string) => void, backlogs: number[]): Promise<void> {
  void report; void log; void backlogs;
  throw new Error('not yet');
}
