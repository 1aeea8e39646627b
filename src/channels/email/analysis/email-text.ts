/**
 * Text plumbing of the email analysis: what part of a mail the customer wrote
 * (quoted replies and the signature block cut off), folding (lower case, no
 * accents), tokens with a light French/English stemmer, and phrase matching
 * with negation. Pure functions, no I/O.
 */

/** A clause boundary in a token list (punctuation, blank line): phrases and negations never cross it. */
export const BREAK = '|';

export interface Tokens {
  /** Folded words (lower case, no accents) and BREAK markers. */
  words: string[];
  /** `stem(word)` for each entry of `words` (BREAK stays BREAK). */
  stems: string[];
  /** Where each stem occurs, in order: a phrase is looked for only where its first word is. */
  positions: Map<string, number[]>;
}

const NEGATORS = new Set([
  // French: "ne ... pas", "n'est pas", "sans", "aucun", "rien", "jamais"
  'ne', 'n', 'pas', 'non', 'jamais', 'aucun', 'aucune', 'rien', 'sans', 'ni',
  // English ("n't" is expanded to "not" by fold)
  'not', 'no', 'never', 'nothing', 'none', 'without', 'nobody', 'neither', 'nor',
]);

/** How many words back a negation reaches ("ce n'est pas vraiment urgent": 3). */
const NEGATION_REACH = 3;

/** Lower case, accents removed, typographic apostrophes straightened, "n't" → " not", "n°" → "numero". */
export function fold(text: string): string {
  return text
    .replace(/[’‘`´]/g, "'")
    .replace(/\b[nN][°º]/g, 'numero ')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/n't\b/g, ' not')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

const SUFFIXES = ['ing', 'ees', 'ed', 'ly', 'ee', 'es', 's', 'e'];
const MIN_STEM = 4;

/**
 * A deliberately light stemmer shared by French and English: drops up to two
 * endings among -ing -ed -ly -e -es -ee -ees -s while 4 letters remain, so
 * "urgent", "urgente", "urgently" meet, as do "signé", "signée", "signed",
 * "signing". Consistency matters more than linguistics: patterns and text go
 * through the same function.
 */
export function stem(word: string): string {
  const known = stems.get(word);
  if (known !== undefined) return known;
  let current = word;
  for (let round = 0; round < 2; round++) {
    const suffix = SUFFIXES.find((s) => current.endsWith(s) && current.length - s.length >= MIN_STEM);
    if (!suffix) break;
    current = current.slice(0, -suffix.length);
  }
  if (stems.size >= STEM_CACHE_MAX) stems.clear();
  stems.set(word, current);
  return current;
}

/** Memo of `stem`: mail reuses a small vocabulary. Bounded; cleared when full. */
const stems = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;

/**
 * Words and clause breaks of a text. A single line break is a space (wrapped
 * lines of HTML converted to text); a blank line or punctuation is a break.
 */
export function tokenize(text: string): Tokens {
  const words: string[] = [];
  const folded = fold(text).replace(/\n[ \t]*\n/g, ' . ');
  for (const piece of folded.match(/[a-z0-9]+|[.,;:!?()[\]{}"«»<>|/\\–—]+/g) ?? []) {
    const isWord = /^[a-z0-9]/.test(piece);
    if (isWord) words.push(piece);
    else if (words.length > 0 && words[words.length - 1] !== BREAK) words.push(BREAK);
  }
  const stemmed = words.map((word) => (word === BREAK ? BREAK : stem(word)));
  const positions = new Map<string, number[]>();
  stemmed.forEach((value, index) => {
    const list = positions.get(value);
    if (list) list.push(index);
    else positions.set(value, [index]);
  });
  return { words, stems: stemmed, positions };
}

export function isNegator(word: string): boolean {
  return NEGATORS.has(word);
}

/** True when a negation precedes `start` in the same clause, within NEGATION_REACH words. */
export function negatedAt(tokens: Tokens, start: number): boolean {
  for (let i = start - 1; i >= 0 && i >= start - NEGATION_REACH; i--) {
    const word = tokens.words[i];
    if (word === BREAK) return false;
    if (NEGATORS.has(word)) return true;
  }
  return false;
}

/** A pattern compiled for matching: per word, its stem, or a prefix when written with a trailing `*`. */
export interface Phrase {
  text: string;
  parts: { value: string; prefix: boolean }[];
  /**
   * The phrase itself says something is missing ("plus de chauffage", "no
   * heating"): the "n'" of "nous n'avons plus de chauffage" belongs to it and
   * does not cancel it.
   */
  absence: boolean;
}

const ABSENCE_WORDS = new Set(['plus', 'pas', 'sans', 'aucun', 'aucune', 'jamais', 'rien', 'no', 'not', 'never', 'without', 'nothing', 'none']);

/** Null when the pattern has no word at all (e.g. only punctuation). */
export function compilePhrase(pattern: string): Phrase | null {
  const parts: Phrase['parts'] = [];
  for (const raw of fold(pattern).match(/[a-z0-9]+\*?/g) ?? []) {
    const prefix = raw.endsWith('*');
    const word = prefix ? raw.slice(0, -1) : raw;
    parts.push({ value: prefix ? word : stem(word), prefix });
  }
  return parts.length > 0 ? { text: pattern, parts, absence: ABSENCE_WORDS.has(parts[0].value) } : null;
}

export interface PhraseMatch {
  /** Index of the first and last matched word. */
  start: number;
  end: number;
  /** Indexes of the matched words (gaps excluded). */
  positions: number[];
  /** A negation precedes the phrase, or sits in one of its gaps ("devis pas encore signé"). */
  negated: boolean;
}

function partMatches(tokens: Tokens, index: number, part: Phrase['parts'][number]): boolean {
  const word = tokens.words[index];
  if (word === BREAK) return false;
  return part.prefix ? word.startsWith(part.value) : tokens.stems[index] === part.value;
}

/** The phrase starting exactly at `start`, with up to `maxGap` words between consecutive parts. */
export function matchAt(tokens: Tokens, phrase: Phrase, start: number, maxGap: number): PhraseMatch | null {
  if (!partMatches(tokens, start, phrase.parts[0])) return null;
  const positions = [start];
  let negated = false;
  let at = start;
  for (let p = 1; p < phrase.parts.length; p++) {
    let found = -1;
    for (let i = at + 1; i <= at + 1 + maxGap && i < tokens.words.length; i++) {
      if (tokens.words[i] === BREAK) break;
      if (partMatches(tokens, i, phrase.parts[p])) {
        found = i;
        break;
      }
      if (NEGATORS.has(tokens.words[i])) negated = true;
    }
    if (found < 0) return null;
    positions.push(found);
    at = found;
  }
  return { start, end: at, positions, negated: negated || (!phrase.absence && negatedAt(tokens, start)) };
}

/** Every occurrence of the phrase, left to right (occurrences may share words). */
export function findPhrase(tokens: Tokens, phrase: Phrase, maxGap: number): PhraseMatch[] {
  const first = phrase.parts[0];
  const starts = first.prefix ? tokens.words.map((_, i) => i) : (tokens.positions.get(first.value) ?? []);
  const found: PhraseMatch[] = [];
  for (const start of starts) {
    const match = matchAt(tokens, phrase, start, maxGap);
    if (match) found.push(match);
  }
  return found;
}

const REPLY_HEADERS = [
  /^\s*On\b.{0,300}\bwrote\s*:\s*$/i,
  /^\s*Le\b.{0,300}\ba\s+[ée]crit\s*:\s*$/i,
  /^\s*-{2,}\s*(Original Message|Message d'origine|Forwarded message|Message transf[ée]r[ée])\s*-{2,}/i,
  /^\s*_{10,}\s*$/,
];
const HEADER_BLOCK_FROM = /^\s*\*?(From|De)\s*:\*?\s*\S/i;
const HEADER_BLOCK_NEXT = /^\s*\*?(Sent|Envoy[ée]|Date)\s*:/i;
const SIGNATURE_DELIMITER = /^-- ?$/;

/**
 * The part of a body the customer wrote in this mail: everything from the
 * first reply or forward header ("On … wrote:", "Le … a écrit :", "-----Original
 * Message-----", an Outlook "From:/Sent:" block) or the signature delimiter
 * `-- ` on is dropped, and so is every line quoted with `>`.
 */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const withNext = `${line} ${lines[i + 1] ?? ''}`;
    if (REPLY_HEADERS.some((header) => header.test(line) || (/^\s*(On|Le)\b/i.test(line) && header.test(withNext)))) break;
    if (HEADER_BLOCK_FROM.test(line) && lines.slice(i + 1, i + 4).some((next) => HEADER_BLOCK_NEXT.test(next))) break;
    if (SIGNATURE_DELIMITER.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim();
}

const SIGNATURE_MAX_LINES = 6;
const SIGNATURE_MAX_LINE = 80;

/**
 * Drops a trailing signature block: the last paragraph when it is not the
 * only one and has 2..6 short lines none of which ends a sentence (a name,
 * a title, a company, an address; "Cordialement," before them). A company
 * named "Cabinet Morin Avocats" or "SOS Urgences" in a signature says nothing
 * about this mail. A last paragraph that is a sentence ("C'est urgent.") stays.
 */
export function stripSignature(text: string): string {
  const paragraphs = text.split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return text;
  const lines = paragraphs[paragraphs.length - 1].split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const looksLikeSignature =
    lines.length >= 2 &&
    lines.length <= SIGNATURE_MAX_LINES &&
    lines.every((line) => line.length <= SIGNATURE_MAX_LINE && !/[.!?]$/.test(line) && !/:\s*\S/.test(line));
  return looksLikeSignature ? paragraphs.slice(0, -1).join('\n\n').trim() : text;
}
