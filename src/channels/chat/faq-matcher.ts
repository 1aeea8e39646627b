/**
 * Self-service matching of a chat visitor's message against the FAQ, French
 * and English. Deliberately simple and predictable (supervisors must be able
 * to guess why an entry matched):
 *
 * 1. normalize: lower case, accents removed, punctuation → spaces;
 * 2. tokens: words of 2+ letters that are not stop words (FR + EN), with a
 *    plural `s`/`x` dropped from words longer than 3 letters;
 * 3. an entry's tokens are those of its question plus its keywords;
 * 4. score = Dice coefficient 2·|M ∩ E| / (|M| + |E|) between the message's
 *    tokens M and the entry's E (0..1);
 * 5. the best entry is a **confident** match when score ≥ 0.5 and at least
 *    two tokens are shared (one when the entry has a single token).
 *
 * A long message that mentions many other things scores low and goes to a
 * person: the bot only answers when the question is plainly the FAQ's.
 */
export const CONFIDENT_SCORE = 0.5;

const STOP_WORDS = new Set(
  (
    // English
    'a an the and or but if of to in on at by for with from about as is are was were be been being am do does did have has had ' +
    'i me my mine we our you your he she it its they them their this that these those there here what which who whom how why when where ' +
    'can could would should will shall may might must not no yes please thanks thank hello hi hey dear any some all just so too very ' +
    'want need get got like know tell help question ' +
    // French
    'le la les un une des du de d l au aux et ou mais si en dans sur sous par pour avec sans chez est sont etait etre ai as avons avez ont ' +
    'je j me m mon ma mes moi tu te t ton ta tes toi vos votre notre nos il elle on nous vous ils elles leur leurs son sa ses ce cet cette ces ca cela qui que qu quoi ' +
    'comment pourquoi quand ou combien quel quelle quels quelles ne n pas plus y a bonjour bonsoir salut merci svp stp veux voudrais peux ' +
    'puis faire fait besoin aide question'
  ).split(/\s+/),
);

export function tokenize(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ');
  const tokens = new Set<string>();
  for (const word of words) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    tokens.add(word.length > 3 && /[sx]$/.test(word) ? word.slice(0, -1) : word);
  }
  return tokens;
}

export interface FaqCandidate {
  id: string;
  question: string;
  keywords: string[];
  language: string | null;
}

export interface FaqMatch<T extends FaqCandidate> {
  entry: T;
  score: number;
  shared: number;
  confident: boolean;
}

/** The best entry for a message (entries of another language are skipped), or null when nothing is shared. */
export function matchFaq<T extends FaqCandidate>(message: string, entries: T[], language: string | null = null): FaqMatch<T> | null {
  const words = tokenize(message);
  if (words.size === 0) return null;
  let best: FaqMatch<T> | null = null;
  for (const entry of entries) {
    if (language && entry.language && entry.language !== language) continue;
    const own = tokenize([entry.question, ...entry.keywords].join(' '));
    if (own.size === 0) continue;
    let shared = 0;
    for (const token of own) if (words.has(token)) shared += 1;
    if (shared === 0) continue;
    const score = (2 * shared) / (words.size + own.size);
    if (!best || score > best.score) {
      best = { entry, score, shared, confident: score >= CONFIDENT_SCORE && shared >= Math.min(2, own.size) };
    }
  }
  return best;
}

/** "Talk to a person", in the visitor's words (FR + EN). */
export function asksForPerson(message: string): boolean {
  const text = message.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return /\b(talk|speak|chat)\b.*\b(person|human|agent|someone|somebody|advisor|adviser|operator)\b|\bhuman\b|\breal person\b|\b(conseiller|conseillere|humain|operateur|operatrice)\b|\bparler a (quelqu|un|une)\b|\bune personne\b/.test(
    text,
  );
}
