import { Logger } from '@nestjs/common';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { freePort } from './net';

const execFileAsync = promisify(execFile);

const DOVECOT_BIN = '/usr/sbin/dovecot';
const DOVEADM_BIN = '/usr/bin/doveadm';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const PROBE_USER = 'harness-probe';

/** One message as the server sees it, for assertions on flags. */
export interface ServerMessage {
  uid: number;
  flags: string[];
  /** Message-ID with its angle brackets, as in the header; null when the mail has none. */
  messageId: string | null;
}

export interface DovecotServer {
  host: string;
  port: number;
  /** Dovecot's instance_name: every process of the instance is titled `dovecot-<instanceName>/<service>`. */
  instanceName: string;
  /** Root of the instance: config, log, runtime dir and the mail homes. */
  dir: string;
  /** Path of the instance's dovecot.conf (for `doveadm -c`). */
  configPath: string;
  logPath: string;
  /** Adds a user (or changes its password). Dovecot re-reads the passwd-file on its next lookup. */
  addUser(user: string, password: string): Promise<void>;
  password(user: string): string;
  /** Appends a message as `user` over IMAP (creating the folder if needed); resolves with its UID. */
  append(user: string, raw: string | Buffer, folder?: string, flags?: string[]): Promise<number>;
  /** Every message of the folder with its UID, flags and Message-ID, in UID order. */
  flags(user: string, folder?: string): Promise<ServerMessage[]>;
  /** The folder's current UIDVALIDITY, as a decimal string. */
  uidValidity(user: string, folder?: string): Promise<string>;
  /** Server-side disconnect of every IMAP session of `user` (`doveadm kick`); resolves once they are gone. */
  killConnections(user: string): Promise<void>;
  /** Kills every IMAP session of the instance; resolves once they are gone. */
  kickAll(): Promise<void>;
  /** IMAP sessions currently open for `user`. */
  sessionCount(user: string): Promise<number>;
  /** What each open IMAP session of `user` is doing, from its process title (e.g. `IDLE`, `FETCH`, `` when between commands). */
  sessionStates(user: string): Promise<string[]>;
  /**
   * Makes the folder's UIDVALIDITY change, the way an index loss or a mailbox
   * migration does: kicks the user's sessions, deletes the folder's
   * `dovecot-uidlist` and index files (keeping the mail files and
   * `dovecot-keywords`), so Dovecot assigns a new UIDVALIDITY and renumbers
   * every message from 1 on the next access. Flags survive (they live in the
   * maildir file names). Resolves with the new UIDVALIDITY.
   */
  resetUidValidity(user: string, folder?: string): Promise<string>;
  /** Process ids of the instance (master and children). */
  pids(): Promise<number[]>;
  /** Stops the instance, waits until none of its processes is left and removes the temp dir. */
  stop(): Promise<void>;
}

export interface DovecotOptions {
  /** Users (name → password) known from the start; cheaper than addUser, which waits for Dovecot to reload. */
  users?: Record<string, string>;
}

const logger = new Logger('DovecotHarness');

/**
 * Starts a private Dovecot (IMAP only, plaintext auth, maildir) under a fresh
 * temp dir on a free port, with its own config, runtime dir and log, so it
 * never touches a system instance. Needs root (Dovecot switches to the
 * `dovecot`/`dovenull` users) and the Debian package dovecot-imapd.
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  await assertInstalled();
  const dir = await fs.mkdtemp(join(tmpdir(), 'acd-dovecot-'));
  // The mail processes run as `dovecot` and must traverse into the homes below.
  await fs.chmod(dir, 0o755);
  const instance = `acd-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const paths = {
    config: join(dir, 'dovecot.conf'),
    log: join(dir, 'dovecot.log'),
    passwd: join(dir, 'passwd'),
    mail: join(dir, 'mail'),
    run: join(dir, 'run'),
    state: join(dir, 'state'),
  };
  await fs.mkdir(paths.mail);
  await chownToDovecot(paths.mail);
  await fs.writeFile(paths.config, renderConfig(instance, port, paths));
  // A probe user proves the whole chain (login process, auth, userdb, mail storage) at start-up.
  const users = new Map<string, string>([[PROBE_USER, 'probe'], ...Object.entries(options.users ?? {})]);
  users.forEach((password, user) => assertValidUser(user, password));
  const passwdStamp = await writePasswd(paths.passwd, users);

  // No terminal and a CI environment: stdin closed, output piped so Dovecot
  // never tries to use a tty; -F keeps the master as our child so we own its lifetime.
  const master = spawn(DOVECOT_BIN, ['-F', '-c', paths.config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const masterOutput: string[] = [];
  master.stdout?.on('data', (chunk: Buffer) => masterOutput.push(chunk.toString()));
  master.stderr?.on('data', (chunk: Buffer) => masterOutput.push(chunk.toString()));

  // If the test process exits without stop() (a crash, a forgotten afterAll), take the instance down with it.
  const killOnExit = (): void => {
    master.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  master.once('exit', () => process.off('exit', killOnExit));

  const server = new DovecotInstance(dir, instance, port, paths, users, master, passwdStamp);
  try {
    await server.waitReady(masterOutput);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

interface InstancePaths {
  config: string;
  log: string;
  passwd: string;
  mail: string;
  run: string;
  state: string;
}

class DovecotInstance implements DovecotServer {
  readonly host = '127.0.0.1';
  private readonly logger = new Logger(DovecotInstance.name);
  private stopped = false;
  private lastAuthError = '';

  constructor(
    readonly dir: string,
    readonly instanceName: string,
    readonly port: number,
    private readonly paths: InstancePaths,
    private readonly users: Map<string, string>,
    private readonly master: ChildProcess,
    private passwdStamp: number,
  ) {}

  get configPath(): string {
    return this.paths.config;
  }

  get logPath(): string {
    return this.paths.log;
  }

  async addUser(user: string, password: string): Promise<void> {
    assertValidUser(user, password);
    const previous = this.users.get(user);
    if (previous === password) return;
    this.users.set(user, password);
    this.passwdStamp = await writePasswd(this.paths.passwd, this.users, this.passwdStamp);
    const changed = previous !== undefined;
    await this.waitUntil(() => this.authKnows(user, password, changed), `Dovecot to know the password of ${user}`, 5_000, 100).catch((err: unknown) => {
      throw new Error(`${describe(err)} (last answer: ${this.lastAuthError})`);
    });
  }

  password(user: string): string {
    const password = this.users.get(user);
    if (password === undefined) throw new Error(`unknown test user ${user}: call addUser first`);
    return password;
  }

  async append(user: string, raw: string | Buffer, folder = 'INBOX', flags?: string[]): Promise<number> {
    return this.withClient(user, async (client) => {
      if (folder.toUpperCase() !== 'INBOX') await ensureFolder(client, folder);
      const result = await client.append(folder, raw, flags);
      if (!result || result.uid === undefined) throw new Error(`APPEND to ${user}/${folder} returned no UID`);
      return result.uid;
    });
  }

  async flags(user: string, folder = 'INBOX'): Promise<ServerMessage[]> {
    return this.withClient(user, async (client) => {
      const mailbox = await client.mailboxOpen(folder, { readOnly: true });
      if (mailbox.exists === 0) return [];
      const messages: ServerMessage[] = [];
      for await (const message of client.fetch('1:*', { uid: true, flags: true, envelope: true }, { uid: true })) {
        const flags = [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent').sort();
        messages.push({ uid: message.uid, flags, messageId: message.envelope?.messageId ?? null });
      }
      return messages.sort((a, b) => a.uid - b.uid);
    });
  }

  async uidValidity(user: string, folder = 'INBOX'): Promise<string> {
    const { stdout } = await this.doveadm(['mailbox', 'status', '-u', user, 'uidvalidity', folder]);
    const match = /uidvalidity=(\d+)/.exec(stdout);
    if (!match) throw new Error(`doveadm mailbox status gave no uidvalidity: ${stdout}`);
    return match[1];
  }

  async killConnections(user: string): Promise<void> {
    if ((await this.sessionCount(user)) === 0) return;
    await this.doveadm(['kick', user]);
    await this.waitUntil(async () => (await this.sessionCount(user)) === 0, `sessions of ${user} to end`);
  }

  async kickAll(): Promise<void> {
    const sessions = await this.imapSessionPids();
    for (const pid of sessions) signal(pid, 'SIGKILL');
    await this.waitUntil(async () => (await this.imapSessionPids()).length === 0, 'every IMAP session to end');
  }

  async sessionCount(user: string): Promise<number> {
    return (await this.sessionStates(user)).length;
  }

  async sessionStates(user: string): Promise<string[]> {
    // verbose_proctitle titles each imap process "dovecot-<instance>/imap [user ip STATE]".
    const prefix = `dovecot-${this.instanceName}/imap [${user} `;
    const titles = await this.processTitles();
    return titles
      .filter(({ title }) => title.startsWith(prefix))
      .map(({ title }) => title.slice(prefix.length).replace(/\]$/, '').split(' ').slice(1).join(' '));
  }

  async resetUidValidity(user: string, folder = 'INBOX'): Promise<string> {
    const before = await this.uidValidity(user, folder);
    await this.killConnections(user);
    const folderDir = this.folderDir(user, folder);
    const names = await fs.readdir(folderDir);
    const doomed = names.filter((name) => name === 'dovecot-uidlist' || name.startsWith('dovecot.index'));
    await Promise.all(doomed.map((name) => fs.rm(join(folderDir, name), { force: true })));
    // The mailbox list index caches STATUS (uidvalidity included): drop it too, Dovecot rebuilds it.
    const rootDir = this.folderDir(user, 'INBOX');
    for (const name of await fs.readdir(rootDir)) {
      if (name.startsWith('dovecot.list.index')) await fs.rm(join(rootDir, name), { force: true });
    }
    // A client that reconnected between the kick and the deletion would keep the old view: kick it too.
    await this.killConnections(user);
    const after = await this.uidValidity(user, folder);
    if (after === before) throw new Error(`UIDVALIDITY of ${user}/${folder} did not change (${before})`);
    return after;
  }

  async pids(): Promise<number[]> {
    const titles = await this.processTitles();
    const pids = titles.map(({ pid }) => pid);
    if (this.master.pid !== undefined && this.master.exitCode === null && this.master.signalCode === null) pids.push(this.master.pid);
    return [...new Set(pids)];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const children = (await this.processTitles()).map(({ pid }) => pid);
    if (this.master.exitCode === null && this.master.signalCode === null) {
      const exited = once(this.master, 'exit');
      this.master.kill('SIGTERM');
      const timer = setTimeout(() => this.master.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    // The master signals its children on the way out, but they exit on their
    // own time; a left-over imap process would keep the temp dir busy and leak
    // into the next test, so wait for them and kill stragglers.
    const left = [...new Set([...children, ...(await this.processTitles()).map(({ pid }) => pid)])];
    if (!(await waitGone(left, STOP_TIMEOUT_MS))) {
      left.forEach((pid) => signal(pid, 'SIGKILL'));
      this.logger.warn('killed Dovecot processes still running after the master exited');
      if (!(await waitGone(left, STOP_TIMEOUT_MS))) throw new Error(`Dovecot processes survived SIGKILL: ${left.join(', ')}`);
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** Called once by startDovecot: retries a real login until the instance answers. */
  async waitReady(masterOutput: string[]): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown = null;
    while (Date.now() < deadline) {
      if (this.master.exitCode !== null || this.master.signalCode !== null) {
        throw new Error(`dovecot exited at start-up (${this.master.exitCode ?? this.master.signalCode}): ${masterOutput.join('').trim()}\n${await this.logTail()}`);
      }
      try {
        await this.withClient(PROBE_USER, async (client) => client.mailboxOpen('INBOX'));
        return;
      } catch (err) {
        lastError = err;
        // Start-up takes tens of milliseconds; nothing signals readiness but a login that works.
        await sleep(50);
      }
    }
    throw new Error(`dovecot did not accept an IMAP login within ${READY_TIMEOUT_MS} ms: ${describe(lastError)}\n${await this.logTail()}`);
  }

  /**
   * Dovecot looks at the passwd-file's mtime at most once per second, so a
   * user added right after a lookup is unknown for up to a second: ask the
   * auth service until it knows. A new user is checked with a passdb lookup,
   * which costs nothing when it fails; a changed password needs a real
   * authentication (each failure is answered after Dovecot's ~0.5 s delay).
   */
  private async authKnows(user: string, password: string, passwordChanged: boolean): Promise<boolean> {
    try {
      await this.doveadm(passwordChanged ? ['auth', 'test', user, password] : ['auth', 'lookup', user]);
      return true;
    } catch (err) {
      // Expected while the reload is pending; kept for the timeout message.
      this.lastAuthError = describe(err);
      return false;
    }
  }

  private async withClient<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: this.host,
      port: this.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: this.password(user) },
      logger: false,
      disableAutoIdle: true,
    });
    const errors: Error[] = [];
    // Without a listener an 'error' event would crash the test process.
    client.on('error', (err: Error) => errors.push(err));
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch((err: unknown) => {
        this.logger.debug(`logout of harness client failed: ${describe(err)}`);
        client.close();
      });
    }
  }

  private folderDir(user: string, folder: string): string {
    const maildir = join(this.paths.mail, user, 'Maildir');
    // Maildir++ layout: INBOX is the root, "A/B" lives in ".A.B".
    return folder.toUpperCase() === 'INBOX' ? maildir : join(maildir, `.${folder.replace(/\//g, '.')}`);
  }

  private async doveadm(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return execFileAsync(DOVEADM_BIN, ['-c', this.paths.config, ...args], { timeout: 10_000 });
  }

  /** Processes of this instance, found by the title Dovecot gives them (`dovecot-<instance>/<service>`). */
  private async processTitles(): Promise<Array<{ pid: number; title: string }>> {
    const prefix = `dovecot-${this.instanceName}/`;
    const entries = await fs.readdir('/proc');
    const found: Array<{ pid: number; title: string }> = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const title = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      const text = title.replace(/\0/g, ' ').trim();
      if (text.startsWith(prefix)) found.push({ pid: Number(entry), title: text });
    }
    return found;
  }

  private async imapSessionPids(): Promise<number[]> {
    const titles = await this.processTitles();
    return titles.filter(({ title }) => title.startsWith(`dovecot-${this.instanceName}/imap `)).map(({ pid }) => pid);
  }

  private async waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000, stepMs = 25): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      // Neither process exit nor Dovecot's passwd-file reload is observable as an event from here.
      await sleep(stepMs);
    }
  }

  private async logTail(): Promise<string> {
    const text = await fs.readFile(this.paths.log, 'utf8').catch(() => '(no log)');
    return `--- ${this.paths.log} (tail) ---\n${text.split('\n').slice(-20).join('\n')}`;
  }
}

async function assertInstalled(): Promise<void> {
  if (!existsSync(DOVECOT_BIN) || !existsSync(DOVEADM_BIN) || !existsSync('/usr/lib/dovecot/imap')) {
    throw new Error(
      'Dovecot IMAP is not installed: the email tests need a real IMAP server. ' +
        'Install it with `apt-get install -y dovecot-imapd` (`.ci/run` does this on Debian).',
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('the Dovecot test harness must run as root (Dovecot switches to the dovecot/dovenull users)');
  }
  const { stdout } = await execFileAsync(DOVECOT_BIN, ['--version']);
  const major = /^(\d+)\.(\d+)/.exec(stdout.trim());
  if (!major || Number(major[1]) !== 2 || Number(major[2]) !== 3) {
    logger.warn(`Dovecot ${stdout.trim()} found; this harness's config is written for 2.3`);
  }
  // The users Dovecot drops privileges to; Debian's package creates them.
  for (const user of ['dovecot', 'dovenull']) {
    await execFileAsync('id', [user]).catch(() => {
      throw new Error(`system user "${user}" is missing: reinstall dovecot-core (apt-get install --reinstall dovecot-core)`);
    });
  }
}

function renderConfig(instance: string, port: number, paths: InstancePaths): string {
  // No !include of /etc/dovecot: the instance must not depend on, nor share, the system config.
  return `# Private Dovecot for the Blended ACD email tests (generated; removed with the temp dir).
instance_name = ${instance}
base_dir = ${paths.run}
state_dir = ${paths.state}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests provoke failed logins on purpose; the default 2 s penalty would only slow them down.
auth_failure_delay = 0
log_path = ${paths.log}
info_log_path = ${paths.log}
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 0
mail_max_userip_connections = 500
verbose_proctitle = yes
shutdown_clients = yes

# No growing delay after failed logins (anvil's auth penalty): tests fail logins on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${paths.passwd}
}

userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${paths.mail}/%u
}
`;
}

/**
 * Writes the passwd-file; returns the mtime (unix seconds) given to it. Dovecot
 * notices a change by mtime (whole seconds) and size, so every version gets a
 * strictly later mtime than the previous one, even within the same second.
 */
async function writePasswd(path: string, users: Map<string, string>, previousStamp = 0): Promise<number> {
  const lines = [...users].map(([user, password]) => `${user}:{PLAIN}${password}`);
  // Written aside and renamed, so Dovecot never reads a half-written file.
  const tmp = `${path}.tmp`;
  await fs.writeFile(tmp, lines.join('\n') + '\n', { mode: 0o644 });
  const stamp = Math.max(Math.floor(Date.now() / 1000), previousStamp + 1);
  await fs.utimes(tmp, stamp, stamp);
  await fs.rename(tmp, path);
  return stamp;
}

function assertValidUser(user: string, password: string): void {
  // The passwd-file is colon- and line-separated; anything else is fine for tests.
  if (!/^[A-Za-z0-9._@-]+$/.test(user) || /[:\r\n]/.test(password)) throw new Error(`unsupported test user/password: ${user}`);
}

async function chownToDovecot(path: string): Promise<void> {
  await execFileAsync('chown', ['dovecot:dovecot', path]);
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const list = await client.list();
  if (!list.some((entry) => entry.path === folder)) await client.mailboxCreate(folder);
}

/** True once none of `pids` runs any more (gone or a zombie waiting for its reaper). */
export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(pids.map(processState));
    if (states.every((state) => state === null || state === 'Z')) return true;
    if (Date.now() > deadline) return false;
    // Process exit of a non-child is not observable as an event.
    await sleep(25);
  }
}

/** The state letter of /proc/<pid>/stat, or null when the process does not exist. */
async function processState(pid: number): Promise<string | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    // ESRCH: it is already gone, which is what we want.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
