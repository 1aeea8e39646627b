import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from './net';

/** The built product, as `npm start` runs it. */
export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, prefixed with its label. */
  output: string[];
}

/**
 * One real app process (`node dist/main.js`) on a free port, resolved once
 * `GET /health/ready` answers 200. `env` is the process's whole environment
 * when `inherit` is false (to leave out variables such as DATABASE_URL).
 */
export async function startAppProcess(
  env: Record<string, string>,
  label: string,
  options: { readyTimeoutMs?: number; inherit?: boolean } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const output: string[] = [];
  const base = options.inherit === false ? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' } : process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...base, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => output.push(`[${label}] ${chunk.toString()}`));
  child.stderr?.on('data', (chunk: Buffer) => output.push(`[${label}] ${chunk.toString()}`));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited:\n${output.join('')}`);
    const ready = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) return { url, child, output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} not ready in ${options.readyTimeoutMs ?? 30_000} ms:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * SIGTERM (SIGKILL after 10 s); resolves with how the process ended once it is
 * gone: its exit code, or the signal that ended it. A clean stop is 'SIGTERM':
 * Nest's shutdown hooks close the app, then re-raise the signal.
 */
export async function stopAppProcess(app: { child: ChildProcess }): Promise<number | NodeJS.Signals | null> {
  const { child } = app;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  clearTimeout(killer);
  return code ?? signal;
}
