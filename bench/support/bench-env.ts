import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/**
 * Where the bench finds its infrastructure. Loopback only: a benchmark that
 * could be pointed at a shared server by a stray variable is refused.
 */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** An administrative database of the local server: the bench creates and drops its own database there. */
export const BENCH_PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The repository root: this file runs from dist-bench/bench/support/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The Lua scripts, read from the sources (dist-bench has no copy of them). */
export const LUA_DIR = path.join(REPO_ROOT, 'src', 'state', 'redis', 'lua');
export const APP_ENTRY = path.join(REPO_ROOT, 'dist', 'main.js');

export function assertLoopback(url: string, what: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`${what} must point at this machine (127.0.0.1), got host ${host}`);
  }
}

/** A Redis key prefix no one else uses, hash-tagged like a Cluster prefix. */
export function benchRedisPrefix(tag: string): string {
  return `{acd-bench-${tag}-${randomBytes(4).toString('hex')}}:`;
}
