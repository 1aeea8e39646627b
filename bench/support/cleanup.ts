import type { ChildProcess } from 'node:child_process';

/**
 * Everything the bench creates (databases, Redis keys, child processes,
 * sockets) registers its undo here. `runAll` undoes in reverse order and is
 * called from `finally`, and on SIGINT/SIGTERM; child processes are also
 * killed synchronously on `exit`, so none outlives the bench.
 */
type Undo = { name: string; run: () => Promise<unknown> };

const undos: Undo[] = [];
const children = new Set<ChildProcess>();
let running: Promise<void> | undefined;

export function onCleanup(name: string, run: () => Promise<unknown>): () => void {
  const undo = { name, run };
  undos.push(undo);
  return () => {
    const index = undos.indexOf(undo);
    if (index >= 0) undos.splice(index, 1);
  };
}

/** A child process killed with SIGKILL when the bench exits, whatever the reason. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Undoes everything registered so far (later registrations are undone by a later call). */
export function runAll(): Promise<void> {
  running ??= (async () => {
    while (undos.length > 0) {
      const undo = undos.pop() as Undo;
      try {
        await withTimeout(undo.run(), 15_000, undo.name);
      } catch (error) {
        process.stderr.write(`cleanup "${undo.name}" failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

export function installSignalHandlers(): void {
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up…\n`);
      void runAll().finally(() => process.exit(130));
    });
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
