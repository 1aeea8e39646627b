/**
 * Phone numbers are compared in one form: an optional leading `+` and digits
 * only (`+33 6 12-34-56-78` → `+33612345678`). Returns null when nothing
 * dialable is left (anonymous or withheld callers).
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 2) return null;
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}
