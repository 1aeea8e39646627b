import { readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';

/** Linux CPU accounting from /proc, to say who used the cores during a measurement. */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every mainstream Linux build

interface MachineTicks {
  busy: number;
  total: number;
}

function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  const total = fields.reduce((sum, x) => sum + x, 0);
  return { busy: total - idle, total };
}

/** Starts a measurement of the whole machine; the returned function gives the busy share of all cores (0..1). */
export function machineBusySampler(): () => number {
  const start = machineTicks();
  return () => {
    const end = machineTicks();
    return (end.busy - start.busy) / Math.max(1, end.total - start.total);
  };
}

/** CPU seconds (user + system) used so far by a process, or NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN; // the process exited: no figure rather than a wrong one
  }
}

/**
 * CPU seconds used so far by the Postgres server for one database: the
 * backends connected to `database` plus the server's background processes
 * (postmaster, WAL writer, checkpointer…), not the backends of other
 * databases. A backend that exits between two readings drops out of the sum,
 * so a delta is a lower bound when connections churn.
 */
export function postgresCpuSeconds(database: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked: it has no CPU to add any more
    }
    // A client backend's title is "postgres: <cluster>: <user> <database> <host>(<port>) <state>".
    const isClientBackend = title.includes('(');
    if (isClientBackend && !title.includes(` ${database} `)) continue;
    const seconds = processCpuSeconds(Number(entry));
    if (Number.isFinite(seconds)) total += seconds;
  }
  return total;
}

/** How busy the machine is right now, sampled over `ms` (0..1 of all cores). */
export async function sampleMachineBusy(ms: number): Promise<number> {
  const done = machineBusySampler();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done();
}

export function coreCount(): number {
  return os.cpus().length;
}
