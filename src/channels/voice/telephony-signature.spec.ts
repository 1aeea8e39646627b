import { signTelephony, verifyTelephonySignature } from './telephony-signature';

describe('telephony signature', () => {
  const secret = 'telephony-secret-0123456789';
  const body = JSON.stringify({ type: 'call.offered', callId: 'c1', from: '+331' });
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);

  it('accepts the HMAC-SHA256 of timestamp + "." + raw body', () => {
    const signature = signTelephony(secret, ts, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyTelephonySignature({ secret, timestamp: ts, signature, rawBody: Buffer.from(body), nowMs: now })).toBe('ok');
  });

  it('refuses another body, another secret, or a malformed header', () => {
    const signature = signTelephony(secret, ts, body);
    expect(verifyTelephonySignature({ secret, timestamp: ts, signature, rawBody: `${body} `, nowMs: now })).toBe('invalid');
    expect(verifyTelephonySignature({ secret: 'other-secret-0123456789', timestamp: ts, signature, rawBody: body, nowMs: now })).toBe('invalid');
    expect(verifyTelephonySignature({ secret, timestamp: ts, signature: 'sha256=abc', rawBody: body, nowMs: now })).toBe('invalid');
    expect(verifyTelephonySignature({ secret, timestamp: 'yesterday', signature, rawBody: body, nowMs: now })).toBe('invalid');
    expect(verifyTelephonySignature({ secret, timestamp: undefined, signature, rawBody: body, nowMs: now })).toBe('missing');
  });

  it('refuses a timestamp more than 5 minutes away, even correctly signed', () => {
    const old = String(now / 1000 - 301);
    const signature = signTelephony(secret, old, body);
    expect(verifyTelephonySignature({ secret, timestamp: old, signature, rawBody: body, nowMs: now })).toBe('stale');
    const recent = String(now / 1000 - 299);
    expect(verifyTelephonySignature({ secret, timestamp: recent, signature: signTelephony(secret, recent, body), rawBody: body, nowMs: now })).toBe('ok');
  });
});
