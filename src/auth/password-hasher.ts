import * as bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';

/** bcrypt cost factor: ~60–100 ms per hash on a server core, slow enough for offline guessing. */
export const BCRYPT_COST = 10;

/**
 * bcrypt only looks at the first 72 bytes of a password; longer inputs are
 * rejected by the DTOs rather than silently truncated.
 */
export const MAX_PASSWORD_BYTES = 72;

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, BCRYPT_COST);
}

export function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return bcrypt.compare(plain, hash);
}

let dummyHash: Promise<string> | null = null;

/**
 * A hash of a random password with the same cost: comparing against it when an
 * email is unknown makes a failed login take as long as a wrong password, so
 * response times do not reveal which emails exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/** A password for generated accounts (the bootstrap admin): 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
