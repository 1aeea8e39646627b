import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';

export const JWT_SECRET_FILE = 'jwt-secret';
/** Shorter secrets on disk are treated as corrupt rather than silently weakening every token. */
const MIN_PERSISTED_LENGTH = 32;

const logger = new Logger('JwtSecret');

/**
 * The secret the access tokens are signed with: `JWT_SECRET` when set, else a
 * random secret generated once and kept in `<dataDir>/jwt-secret` (mode 0600),
 * so tokens issued by the embedded setup survive a restart. With several app
 * nodes set JWT_SECRET: a file per node would make each node reject the
 * others' tokens.
 */
export async function resolveJwtSecret(config: Pick<AppConfig, 'jwtSecret' | 'dataDir'>): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.resolve(config.dataDir, JWT_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing !== null) return existing;

  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  // Written whole to a temp file, then hard-linked into place: link() never
  // overwrites and the file appears complete, so two processes starting at
  // once agree on one secret and neither reads a half-written file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await fs.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readSecret(file);
    if (raced === null) throw new Error(`${file} appeared concurrently but then vanished`);
    return raced;
  } finally {
    await fs.unlink(temp);
  }
  logger.log(`JWT_SECRET is not set: generated a signing secret in ${file}`);
  return secret;
}

async function readSecret(file: string): Promise<string | null> {
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const secret = content.trim();
  if (secret.length < MIN_PERSISTED_LENGTH) {
    throw new Error(`${file} holds a secret shorter than ${MIN_PERSISTED_LENGTH} characters; delete it to regenerate (all tokens will be invalidated) or set JWT_SECRET`);
  }
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0) {
    logger.warn(`${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); tightening to 0600`);
    await fs.chmod(file, 0o600);
  }
  return secret;
}
