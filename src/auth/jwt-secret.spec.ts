import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JWT_SECRET_FILE, resolveJwtSecret } from './jwt-secret';

describe('resolveJwtSecret', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'acd-jwt-'));
  });

  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('uses JWT_SECRET when configured and writes nothing', async () => {
    await expect(resolveJwtSecret({ jwtSecret: 'configured-secret-0123456789', dataDir })).resolves.toBe('configured-secret-0123456789');
    await expect(fs.readdir(dataDir)).resolves.toEqual([]);
  });

  it('generates a secret once, persists it with mode 0600, and reuses it after a restart', async () => {
    const nested = path.join(dataDir, 'not-yet-created');
    const first = await resolveJwtSecret({ jwtSecret: null, dataDir: nested });
    expect(first.length).toBeGreaterThanOrEqual(32);

    const file = path.join(nested, JWT_SECRET_FILE);
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(first);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    await expect(resolveJwtSecret({ jwtSecret: null, dataDir: nested })).resolves.toBe(first);
  });

  it('agrees on one secret when two starts race', async () => {
    const [a, b] = await Promise.all([resolveJwtSecret({ jwtSecret: null, dataDir }), resolveJwtSecret({ jwtSecret: null, dataDir })]);
    expect(a).toBe(b);
  });

  it('tightens a secret file readable by others', async () => {
    const file = path.join(dataDir, JWT_SECRET_FILE);
    await fs.writeFile(file, 'x'.repeat(40), { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await expect(resolveJwtSecret({ jwtSecret: null, dataDir })).resolves.toBe('x'.repeat(40));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a truncated secret file instead of signing with it', async () => {
    await fs.writeFile(path.join(dataDir, JWT_SECRET_FILE), 'short\n', { mode: 0o600 });
    await expect(resolveJwtSecret({ jwtSecret: null, dataDir })).rejects.toThrow(/shorter than 32/);
  });
});
