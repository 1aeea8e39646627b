import { createHmac, timingSafeEqual } from 'node:crypto';

/** Requests signed longer ago (or further ahead) than this are refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>`: the X-Signature of the telephony contract. */
export function signTelephony(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/** The two headers of a signed request (both directions: events in, call.assign out). */
export function telephonyHeaders(secret: string, rawBody: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { 'x-timestamp': String(timestamp), 'x-signature': signTelephony(secret, timestamp, rawBody) };
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'invalid';

export interface SignatureInput {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer | string | undefined;
  nowMs: number;
}

/** Checks a signed request: timestamp within the window, then the HMAC in constant time. */
export function verifyTelephonySignature(input: SignatureInput): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || input.rawBody === undefined) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'invalid';
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = Buffer.from(signTelephony(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(signature.trim());
  // timingSafeEqual needs equal lengths; the length of a well-formed signature is public anyway.
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'invalid';
}
