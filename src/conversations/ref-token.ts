import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a customer reads the reference aloud or types it back. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** `K7F-2Q9`: 31^6 ≈ 890 million references; the unique index catches the rare collision. */
export function generateRef(): string {
  const pick = () => ALPHABET[randomInt(ALPHABET.length)];
  return `${pick()}${pick()}${pick()}-${pick()}${pick()}${pick()}`;
}

/** A reference as it appears in a mail subject: `[#K7F-2Q9]`. */
export const REF_IN_SUBJECT = /\[#([2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3})\]/;
