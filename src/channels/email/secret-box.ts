import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Mailbox passwords at rest: AES-256-GCM with a random IV per value, stored
 * as `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url). The key comes from
 * ACD_SECRETS_KEY, or is derived (HKDF) from the JWT signing secret when that
 * is unset; `keyId` tells a wrong key from corrupt data.
 */
export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(material: string) {
    if (material.length < 16) throw new Error('the secrets key must be at least 16 characters');
    this.key = Buffer.from(hkdfSync('sha256', material, 'blended-acd', 'mailbox-secrets', 32));
    this.keyId = createHash('sha256').update(this.key).digest('base64url').slice(0, 8);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), encrypted.toString('base64url')].join(':');
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || data === undefined) throw new Error('not a sealed secret');
    if (keyId !== this.keyId) throw new Error(`sealed with another key (${keyId}); set ACD_SECRETS_KEY to the key used when it was saved`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
