import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-long-enough-test-key');

  it('seals and opens a secret, never storing it in clear', () => {
    const sealed = box.seal('imap-p@ssw0rd');
    expect(sealed).not.toContain('imap-p@ssw0rd');
    expect(sealed.startsWith(`v1:${box.keyId}:`)).toBe(true);
    expect(box.open(sealed)).toBe('imap-p@ssw0rd');
  });

  it('draws a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('names a wrong key instead of returning garbage', () => {
    const other = new SecretBox('another-long-test-key');
    expect(() => other.open(box.seal('x'))).toThrow(/another key/);
  });

  it('rejects tampered ciphertext', () => {
    const parts = box.seal('secret').split(':');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow();
  });
});
