import type { EmailAnalysis, EmailAnalysisInput, EmailIntent, EmailOrigin, EmailSentiment } from './email-analysis';
import {
  Cue,
  EMPHATIC_WORDS,
  EN_STOP_WORDS,
  FR_STOP_WORDS,
  INTENSIFIERS,
  INTENT_CUES,
  OUTCOME_CUES,
  ScoredIntent,
  SENTIMENT_CUES,
} from './email-lexicon';
import { BREAK, compilePhrase, findPhrase, fold, matchAt, Phrase, PhraseMatch, stem, stripQuoted, stripSignature, Tokens, tokenize } from './email-text';
import { MAX_PRIORITY_BOOST, NEGATIVE_SENTIMENT_WEIGHT, PriorityRule, WEB_FORM_WEIGHT } from './priority-rule';

/**
 * Email analysis at ingestion, French and English: language, sentiment,
 * intent, origin and a priority boost with the reasons for it, from the
 * subject and the part of the body the customer wrote (quoted replies and the
 * signature block are left out, see email-text.ts). Pure, deterministic and
 * fast (word lists and a few regular expressions, well under a millisecond
 * for a typical mail): it runs on every inbound mail.
 *
 * - Language: counts of frequent words that exist in only one of the two
 *   languages; a tie goes to French when the text has French accents.
 * - Sentiment: sum of a small lexicon (email-lexicon.ts). A negation up to
 *   three words before, in the same clause, flips a positive word ("pas
 *   content": negative) and cancels a negative one ("aucun problème"); a
 *   missed outcome is negative ("jamais reçu", "still not shipped"). An
 *   intensifier before a word multiplies it by 1.5; exclamation marks and
 *   shouted words (capitals) strengthen a clear feeling either way. Each
 *   cue counts once (a subject repeating the body is not twice as angry).
 *   Negative at ≤ -1; positive needs ≥ 1.5, because courtesy ("Merci
 *   beaucoup," before a signature) is everywhere in mail and is not joy.
 * - Intent: each intent sums its cue words (each counted once); a complaint
 *   also gains from negative sentiment and missed outcomes, information from
 *   question marks, an order from a business event. Below 1.5: `other`.
 *   Ties: complaint, order, quote, information.
 * - Priority: the rules (priority-rule.ts) plus negative sentiment and the
 *   web-form origin, clamped to ±MAX_PRIORITY_BOOST, each reason in words.
 */
export const NEGATIVE_THRESHOLD = -1;
export const POSITIVE_THRESHOLD = 1.5;
export const INTENT_MIN_SCORE = 1.5;
/** Words allowed between the words of a multi-word rule ("devis ci-joint signé"). */
const RULE_MAX_GAP = 2;
const STRONG_NEGATIVE = -3;
const INTENSIFIER_FACTOR = 1.5;
const INTENT_ORDER: ScoredIntent[] = ['complaint', 'order', 'quote', 'information'];

export interface SentimentScore {
  score: number;
  sentiment: EmailSentiment;
  /** Negated outcomes ("pas reçu", "no reply"): evidence of a complaint. */
  missedOutcomes: number;
}

export function analyzeEmail(input: EmailAnalysisInput, rules: readonly PriorityRule[]): EmailAnalysis {
  const subject = input.subject ?? '';
  const body = stripQuoted(input.text ?? '');
  const own = `${subject}\n\n${stripSignature(body)}`;
  const tokens = tokenize(own);
  const language = detectLanguage(tokens, own);
  const mood = scoreSentiment(tokens, own, language);
  const origin = detectOrigin(input, body);

  const reasons: string[] = [];
  let boost = 0;
  const applicable = rules.filter((rule) => !rule.language || rule.language === language);
  for (const rule of applicable.filter((r) => r.kind === 'keyword')) {
    if (!matchesRule(tokens, rule)) continue;
    boost += rule.weight;
    reasons.push(`keyword "${rule.pattern}" (${signed(rule.weight)})`);
  }
  const events = applicable.filter((rule) => rule.kind === 'business-event' && matchesRule(tokens, rule));
  if (events.length > 0) {
    // One event named several ways ("devis signé, bon pour accord") is one event: the largest weight counts.
    const counted = events.reduce((best, rule) => (rule.weight > best.weight ? rule : best));
    boost += counted.weight;
    reasons.push(`business event "${counted.pattern}" (${signed(counted.weight)})`);
  }
  if (mood.sentiment === 'negative') {
    boost += NEGATIVE_SENTIMENT_WEIGHT;
    reasons.push(`negative sentiment (${signed(NEGATIVE_SENTIMENT_WEIGHT)})`);
  }
  if (origin === 'web-form') {
    boost += WEB_FORM_WEIGHT;
    reasons.push(`web form (${signed(WEB_FORM_WEIGHT)})`);
  }
  if (Math.abs(boost) > MAX_PRIORITY_BOOST) {
    boost = Math.sign(boost) * MAX_PRIORITY_BOOST;
    reasons.push(`capped at ${signed(boost)}`);
  }

  return {
    language,
    sentiment: mood.sentiment,
    intent: classifyIntent(tokens, own, language, mood, events.length > 0),
    origin,
    priorityBoost: boost,
    priorityReasons: reasons,
    businessEvents: events.map((rule) => rule.pattern),
  };
}

export function detectLanguage(tokens: Tokens, text: string): 'fr' | 'en' {
  let fr = 0;
  let en = 0;
  for (const word of tokens.words) {
    if (FR_STOP_WORDS.has(word)) fr += 1;
    else if (EN_STOP_WORDS.has(word)) en += 1;
  }
  if (fr !== en) return fr > en ? 'fr' : 'en';
  return /[éèêàçùâîôû]/i.test(text) ? 'fr' : 'en';
}

export function scoreSentiment(tokens: Tokens, text: string, language: 'fr' | 'en'): SentimentScore {
  // Each cue counts once, at its strongest: a subject repeating the body's "erreur" is one error, not two.
  const strongest = new Map<Cue, number>();
  let missedOutcomes = 0;
  for (const { cue, match } of findCues(tokens, SENTIMENT[language])) {
    let value: number;
    if (match.negated) {
      value = cue.negated ?? (cue.score > 0 ? -cue.score : 0);
      if (OUTCOMES.has(cue) && value < 0) missedOutcomes += 1;
    } else {
      value = intensified(tokens, match.start) ? cue.score * INTENSIFIER_FACTOR : cue.score;
    }
    if (Math.abs(value) > Math.abs(strongest.get(cue) ?? 0)) strongest.set(cue, value);
  }
  let score = emoticons(text);
  for (const value of strongest.values()) score += value;
  if (Math.abs(score) >= 1) score += Math.sign(score) * 0.5 * emphasis(text);
  const sentiment: EmailSentiment = score <= NEGATIVE_THRESHOLD ? 'negative' : score >= POSITIVE_THRESHOLD ? 'positive' : 'neutral';
  return { score, sentiment, missedOutcomes };
}

function classifyIntent(tokens: Tokens, text: string, language: 'fr' | 'en', mood: SentimentScore, businessEvent: boolean): EmailIntent {
  const scores: Record<ScoredIntent, number> = { complaint: 0, order: 0, quote: 0, information: 0 };
  for (const intent of INTENT_ORDER) {
    const seen = new Set<Cue>();
    for (const { cue, match } of findCues(tokens, INTENTS[intent][language])) {
      if (match.negated || seen.has(cue)) continue;
      seen.add(cue);
      scores[intent] += cue.score;
    }
  }
  scores.complaint += Math.min(2, mood.missedOutcomes);
  // A bad mood reinforces a grievance but is not one: an accident report or a worried question is no complaint.
  if (scores.complaint > 0 && mood.score <= NEGATIVE_THRESHOLD) scores.complaint += mood.score <= STRONG_NEGATIVE ? 2.5 : 1.5;
  // Every request ends with "?", a quote request as much as a question: a light cue.
  scores.information += 0.5 * Math.min(3, (text.match(/\?/g) ?? []).length);
  if (businessEvent) scores.order += 3;

  let best: ScoredIntent = INTENT_ORDER[0];
  for (const intent of INTENT_ORDER) if (scores[intent] > scores[best]) best = intent;
  return scores[best] >= INTENT_MIN_SCORE ? best : 'other';
}

// ---- origin -------------------------------------------------------------------

/** Form plugins and site builders, as they name themselves in X-Mailer / User-Agent / X-Generator. */
const FORM_MAILER =
  /\b(wpforms|contact form 7|gravity ?forms|ninja ?forms|formidable|elementor|typeform|jotform|hubspot|webflow|formspree|wufoo|cognito ?forms|phpmailer|wordpress|drupal|joomla|wix|squarespace)\b/i;
/** Headers that only form plugins add (Contact Form 7 adds X-WPCF7-Content-Type). */
const FORM_HEADER = /^x-(wpcf7|wpforms|gform|webform|form-|hs-form|typeform|jotform)/;
/** Robot senders of web servers and form services; with a Reply-To, the person is the Reply-To. */
const ROBOT_SENDER = /^(no-?reply|do-?not-?reply|wordpress|www-data|apache|forms?|web-?forms?|website|site|contact-?form|notifications?|mailer)(\+[^@]*)?@/;
const IDENTITY_LABELS = new Set([
  'nom', 'prenom', 'votre nom', 'nom complet', 'name', 'first name', 'last name', 'full name', 'your name', 'email', 'e mail',
  'adresse email', 'adresse e mail', 'courriel', 'your email', 'votre email', 'telephone', 'tel', 'phone', 'phone number', 'de', 'from',
]);
const MESSAGE_LABELS = new Set([
  'message', 'votre message', 'your message', 'corps du message', 'commentaire', 'commentaires', 'comment', 'comments', 'demande',
  'votre demande', 'your request', 'request', 'enquiry', 'inquiry', 'how can we help', 'details', 'description', 'projet', 'votre projet',
]);
const FIELD_LINE = /^\s*([\p{L}][\p{L}0-9 '’-]{0,40}?)\s*\??\s*:\s*(\S.*)?$/u;
const MIN_FORM_FIELDS = 3;

/**
 * A web-form submission, when any of these holds:
 * 1. X-Mailer / User-Agent / X-Generator names a form plugin or site builder
 *    (WPForms, Contact Form 7, Gravity Forms, HubSpot, PHPMailer, WordPress…),
 *    or a header only a form plugin adds is present (X-WPCF7-*);
 * 2. the sender is a robot address (no-reply@, wordpress@, forms@…) and a
 *    Reply-To names someone else: the site sent it on behalf of a visitor;
 * 3. the body is a list of fields: at least 3 lines `Label: value` (or a
 *    label alone on its line, value below, as WPForms lays them out) among
 *    which an identity field (Nom, Name, Email, Téléphone…) and a message
 *    field (Message, Votre demande, How can we help…). A signature with
 *    "Tél :" and "Email :" has no message field; quoted reply headers were
 *    cut before.
 * Anything else is spontaneous.
 */
export function detectOrigin(input: EmailAnalysisInput, body: string): EmailOrigin {
  const headers = input.headers ?? {};
  const mailer = [headers['x-mailer'], headers['user-agent'], headers['x-generator']].filter(Boolean).join(' ');
  if (FORM_MAILER.test(mailer) || Object.keys(headers).some((name) => FORM_HEADER.test(name))) return 'web-form';
  const from = (input.fromAddress ?? '').toLowerCase();
  const replyTo = addressIn(headers['reply-to']);
  if (ROBOT_SENDER.test(from) && replyTo && replyTo !== from) return 'web-form';
  return looksLikeFormFields(body) ? 'web-form' : 'spontaneous';
}

function looksLikeFormFields(body: string): boolean {
  const labels: string[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const field = FIELD_LINE.exec(lines[i]);
    if (field) labels.push(normalizeLabel(field[1]));
    else if (lines[i + 1]?.trim() && isKnownLabel(normalizeLabel(lines[i]))) labels.push(normalizeLabel(lines[i]));
  }
  return (
    labels.length >= MIN_FORM_FIELDS && labels.some((label) => IDENTITY_LABELS.has(label)) && labels.some((label) => MESSAGE_LABELS.has(label))
  );
}

function normalizeLabel(label: string): string {
  return fold(label).replace(/[^a-z0-9]+/g, ' ').trim();
}

function isKnownLabel(label: string): boolean {
  return IDENTITY_LABELS.has(label) || MESSAGE_LABELS.has(label);
}

function addressIn(value: string | undefined): string | null {
  const match = value ? /[^\s<>"',;]+@[^\s<>"',;]+/.exec(value) : null;
  return match ? match[0].toLowerCase() : null;
}

// ---- rules and cues -------------------------------------------------------------

/** Compiled rule patterns, by pattern text (rules change rarely; bounded anyway). */
const rulePhrases = new Map<string, Phrase | null>();
const RULE_CACHE_MAX = 5000;

function matchesRule(tokens: Tokens, rule: PriorityRule): boolean {
  let phrase = rulePhrases.get(rule.pattern);
  if (phrase === undefined) {
    if (rulePhrases.size >= RULE_CACHE_MAX) rulePhrases.clear();
    phrase = compilePhrase(rule.pattern);
    rulePhrases.set(rule.pattern, phrase);
  }
  return phrase !== null && findPhrase(tokens, phrase, RULE_MAX_GAP).some((match) => !match.negated);
}

interface CompiledCue {
  cue: Cue;
  phrase: Phrase;
}

/** Cues indexed by the stem of their first word, longest first, per language. */
type CueIndex = Record<'fr' | 'en', Map<string, CompiledCue[]>>;

function indexCues(list: Cue[]): CueIndex {
  const build = (language: 'fr' | 'en'): Map<string, CompiledCue[]> => {
    const index = new Map<string, CompiledCue[]>();
    for (const cue of list.filter((c) => c.language === null || c.language === language)) {
      const phrase = compilePhrase(cue.pattern);
      if (!phrase) continue;
      const key = phrase.parts[0].value;
      index.set(key, [...(index.get(key) ?? []), { cue, phrase }]);
    }
    for (const entries of index.values()) entries.sort((a, b) => b.phrase.parts.length - a.phrase.parts.length);
    return index;
  };
  return { fr: build('fr'), en: build('en') };
}

const SENTIMENT = indexCues(SENTIMENT_CUES);
const OUTCOMES = new Set<Cue>(OUTCOME_CUES);
const INTENTS: Record<ScoredIntent, CueIndex> = {
  complaint: indexCues(INTENT_CUES.complaint),
  order: indexCues(INTENT_CUES.order),
  quote: indexCues(INTENT_CUES.quote),
  information: indexCues(INTENT_CUES.information),
};
/** Stems of single-word sentiment cues: shouted in capitals, they add emphasis. */
const FEELING_STEMS = new Set(
  SENTIMENT_CUES.filter((cue) => cue.score !== 0 && !/\s/.test(cue.pattern.trim())).map((cue) => stem(fold(cue.pattern))),
);

/** Left to right, the longest cue at each word; matched words are not reused. */
function findCues(tokens: Tokens, index: Map<string, CompiledCue[]>): { cue: Cue; match: PhraseMatch }[] {
  const found: { cue: Cue; match: PhraseMatch }[] = [];
  for (let i = 0; i < tokens.words.length; i++) {
    const candidates = index.get(tokens.stems[i]);
    if (!candidates) continue;
    for (const { cue, phrase } of candidates) {
      const match = matchAt(tokens, phrase, i, 0);
      if (!match) continue;
      found.push({ cue, match });
      i = match.end;
      break;
    }
  }
  return found;
}

function intensified(tokens: Tokens, start: number): boolean {
  for (let i = start - 1; i >= 0 && i >= start - 2; i--) {
    if (tokens.words[i] === BREAK) return false;
    if (INTENSIFIERS.has(tokens.words[i])) return true;
  }
  return false;
}

/** Exclamation marks and "??" (up to 3), and shouted feeling words in capitals (up to 2). */
function emphasis(text: string): number {
  const exclamations = Math.min(3, (text.match(/!|\?[?!]+/g) ?? []).length);
  let shouted = 0;
  for (const word of text.match(/(?<!\p{L})\p{Lu}{3,}(?!\p{L})/gu) ?? []) {
    const folded = fold(word);
    if (EMPHATIC_WORDS.has(folded) || FEELING_STEMS.has(stem(folded))) shouted += 1;
  }
  return exclamations + Math.min(2, shouted);
}

const SMILEY = /(^|\s)[:;]-?[)D](?=\s|$)|[\u{1F600}-\u{1F60D}\u{1F642}\u{1F44D}\u{2764}]/gu;
const FROWN = /(^|\s):-?\((?=\s|$)|[\u{1F620}-\u{1F62D}\u{1F641}\u{1F44E}]/gu;

function emoticons(text: string): number {
  return 0.5 * Math.min(1, (text.match(SMILEY) ?? []).length) - 0.5 * Math.min(1, (text.match(FROWN) ?? []).length);
}

function signed(weight: number): string {
  return weight >= 0 ? `+${weight}` : String(weight);
}
