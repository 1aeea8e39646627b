import { EmailIntent } from '../analysis/email-analysis';

/**
 * The intents an auto-reply may answer: an information or a quote request has
 * a standard answer (a brochure, a price list); a complaint or an order needs
 * a person, and an automatic mail to an unhappy customer makes things worse.
 * The API refuses rules with other intents; the matcher ignores them too
 * (rules saved before the restriction).
 */
export const AUTO_REPLY_INTENTS = ['information', 'quote'] as const satisfies readonly EmailIntent[];
export type AutoReplyIntent = (typeof AUTO_REPLY_INTENTS)[number];

/**
 * Which auto-reply rule answers an inbound email. Pure and predictable, so a
 * supervisor can tell why a mail got (or did not get) an automatic answer:
 *
 * - only enabled rules, tried by `priority` (highest first), then oldest
 *   first; the first rule that matches wins;
 * - the mail's analysed intent must be one of the rule's `intents`, and an
 *   information or quote request (AUTO_REPLY_INTENTS);
 * - the rule's `language` (null = any) must be the mail's;
 * - the rule's `mailboxId` (null = every mailbox) must be the receiving one;
 * - when the rule has `keywords`, at least one must appear in the subject or
 *   the body as whole words (accents, case and punctuation ignored; a
 *   trailing plural `s`/`x` in the mail still matches: `tarif` ~ "Tarifs");
 *   a rule without keywords is decided by the intent alone.
 */
export interface AutoReplyCandidate {
  id: string;
  enabled: boolean;
  intents: readonly string[];
  keywords: readonly string[];
  language: string | null;
  mailboxId: string | null;
  priority: number;
  createdAt: Date;
}

export interface AutoReplyInput {
  intent: EmailIntent;
  language: string;
  subject: string;
  text: string;
  /** The mailbox that received the mail (null when unknown: only rules for every mailbox apply). */
  mailboxId: string | null;
}

export function matchAutoReply<T extends AutoReplyCandidate>(rules: readonly T[], input: AutoReplyInput): T | null {
  if (!(AUTO_REPLY_INTENTS as readonly string[]).includes(input.intent)) return null;
  const words = ` ${normalizeForMatch(`${input.subject}\n${input.text}`)} `;
  for (const rule of orderRules(rules)) {
    if (!rule.enabled || !rule.intents.includes(input.intent)) continue;
    if (rule.language !== null && rule.language !== input.language) continue;
    if (rule.mailboxId !== null && rule.mailboxId !== input.mailboxId) continue;
    if (rule.keywords.length > 0 && !rule.keywords.some((keyword) => containsKeyword(words, keyword))) continue;
    return rule;
  }
  return null;
}

/** Priority desc, then creation order (then id, so that equal timestamps still give one order on every node). */
export function orderRules<T extends AutoReplyCandidate>(rules: readonly T[]): T[] {
  return [...rules].sort(
    (a, b) => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Lower case, accents and ligatures removed, anything but letters and digits a single space. */
export function normalizeForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** `paddedWords` is normalized text with a space at each end. */
function containsKeyword(paddedWords: string, keyword: string): boolean {
  const normalized = normalizeForMatch(keyword);
  if (normalized === '') return false;
  return [' ', 's ', 'x '].some((end) => paddedWords.includes(` ${normalized}${end}`));
}
