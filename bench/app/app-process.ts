import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { APP_ENTRY, LUA_DIR, REPO_ROOT } from '../support/bench-env';
import { trackChild } from '../support/cleanup';
import { sleep } from '../support/stats';

/**
 * The real app, `node dist/main.js`, as a child process with its own
 * environment: what `npm start` runs in production, measured from outside.
 */
export interface AppEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  logLevel: 'error' | 'warn' | 'log';
}

export class AppProcess {
  private readonly tail: string[] = [];
  private errorLines = 0;
  private warnLines = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        if (/\bERROR\b/.test(line)) this.errorLines++;
        else if (/\bWARN\b/.test(line)) this.warnLines++;
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(env: AppEnv): Promise<AppProcess> {
    const port = await freePort();
    // BENCH_APP_NODE_ARGS: extra node flags for the app (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
    const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, APP_ENTRY], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        ACD_REDIS_PREFIX: env.redisPrefix,
        JWT_SECRET: env.jwtSecret,
        ACD_ADMIN_EMAIL: env.adminEmail,
        ACD_ADMIN_PASSWORD: env.adminPassword,
        ACD_DATA_DIR: env.dataDir,
        LOG_LEVEL: env.logLevel,
      },
    });
    trackChild(child);
    return new AppProcess(child, `http://127.0.0.1:${port}`);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Error and warning lines the app logged so far. */
  logCounts(): { errors: number; warnings: number } {
    return { errors: this.errorLines, warnings: this.warnLines };
  }

  lastLines(n = 40): string {
    return this.tail.slice(-n).join('\n');
  }

  /** Polls GET /health/ready until 200, or fails with the app's last log lines. */
  async waitReady(timeoutMs: number): Promise<number> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (this.exited) throw new Error(`the app exited (code ${this.child.exitCode}) before it was ready:\n${this.lastLines()}`);
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`);
        await response.arrayBuffer();
        if (response.status === 200) return Date.now() - start;
      } catch (error) {
        if (!(error instanceof TypeError)) throw error; // fetch failed: not listening yet
      }
      await sleep(200);
    }
    throw new Error(`the app did not answer GET /health/ready 200 within ${timeoutMs} ms:\n${this.lastLines()}`);
  }

  /** Peak (VmHWM) and current (VmRSS) resident set size in bytes, from /proc/<pid>/status. */
  memory(): { peakRss: number; rss: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { peakRss: kb('VmHWM'), rss: kb('VmRSS') };
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm run build` is plain tsc, which does not copy the Lua scripts the Redis
 * store reads from `dist/state/redis/lua` (nest-cli.json's `assets` only apply
 * to `nest build`). Without them the app cannot start on Redis. Returns a
 * warning when the bench had to copy them there itself.
 */
export function ensureDistLuaScripts(): string | null {
  const target = path.join(path.dirname(APP_ENTRY), 'state', 'redis', 'lua');
  if (existsSync(target)) return null;
  cpSync(LUA_DIR, target, { recursive: true });
  return (
    'BUILD BUG: `npm run build` (tsc) does not copy src/state/redis/lua/*.lua to dist/state/redis/lua, so `node dist/main.js` ' +
    'with REDIS_URL fails at boot (ENOENT scandir dist/state/redis/lua). The bench copied them there to be able to run; the build must do it.'
  );
}
