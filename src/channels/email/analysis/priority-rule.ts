/**
 * Priority rules for inbound email: words and phrases that move a mail up
 * (or, with a negative weight, down) its queue. Supervisors edit them at
 * `/api/priority-rules`; the defaults below seed an empty table.
 *
 * Scale: a task's priority is 0..MAX_PRIORITY (100, src/routing/virtual-deadline.ts)
 * and the queue's priority is added to the boost, so the weights are sized
 * against that: one strong signal ("urgent", "accident", a lawyer) is worth
 * about 20-30, a mild one ("refund", "complaint") 3 to 5, and the whole boost is
 * capped at MAX_PRIORITY_BOOST (60) so that a keyword-stuffed mail cannot
 * outrank every call. An urgent complaint ("urgent" 20 + negative sentiment 10)
 * lands at +30; a plain information request at 0.
 *
 * Matching (see email-analyzer.ts): accent- and case-insensitive, on whole
 * words, with plural/feminine/-ed/-ing/-ly endings accepted ("urgente",
 * "urgently", "signée"); a trailing `*` matches any ending ("rembours*").
 * Words of a multi-word pattern may have up to two words between them
 * ("devis ci-joint signé"); a match preceded by a negation in the same clause
 * ("ce n'est pas urgent", "not urgent") does not count, except for a pattern
 * that itself says something is missing ("plus de chauffage", "no heating").
 */
export const PRIORITY_RULE_KINDS = ['keyword', 'business-event'] as const;
export type PriorityRuleKind = (typeof PRIORITY_RULE_KINDS)[number];

export const PRIORITY_RULE_LANGUAGES = ['fr', 'en'] as const;
export type PriorityRuleLanguage = (typeof PRIORITY_RULE_LANGUAGES)[number];

export interface PriorityRule {
  id?: string;
  /** One word or a short phrase, 1..100 characters. */
  pattern: string;
  /** Added to the boost when the pattern is found: -50..50. */
  weight: number;
  /**
   * `keyword`: every matching rule adds its weight. `business-event`: a
   * positive event (signed quote, validated order) listed in `businessEvents`;
   * only the largest event weight counts (one signed quote named twice is one event).
   */
  kind: PriorityRuleKind;
  /** Applies only to mails detected in this language; null or absent: both. */
  language?: PriorityRuleLanguage | null;
}

export const PRIORITY_RULE_PATTERN_MAX = 100;
export const PRIORITY_RULE_WEIGHT_MIN = -50;
export const PRIORITY_RULE_WEIGHT_MAX = 50;

/** The boost is clamped to ±this (MAX_PRIORITY is 100: a mail never takes more than 60 of it). */
export const MAX_PRIORITY_BOOST = 60;
/** Added when the mail reads negative (angry, worried, disappointed). */
export const NEGATIVE_SENTIMENT_WEIGHT = 10;
/**
 * Added for a web-form submission: mostly prospects (quote or contact
 * requests) who expect a quick answer and go elsewhere without one.
 */
export const WEB_FORM_WEIGHT = 5;

const keyword = (pattern: string, weight: number, language: PriorityRuleLanguage | null = null): PriorityRule => ({
  pattern,
  weight,
  kind: 'keyword',
  language,
});

/**
 * Business events are good news, but a customer who signed or validated is
 * waiting for the next step (invoice, planning, start date) and a slow answer
 * costs the deal: a modest +10, well below any urgency keyword.
 */
const event = (pattern: string, language: PriorityRuleLanguage | null, weight = 10): PriorityRule => ({
  pattern,
  weight,
  kind: 'business-event',
  language,
});

export const DEFAULT_PRIORITY_RULES: readonly PriorityRule[] = [
  // Urgency said in words.
  keyword('urgent', 20),
  keyword('urgence', 20, 'fr'),
  keyword('emergency', 20, 'en'),
  keyword('asap', 15),
  keyword('as soon as possible', 10, 'en'),
  keyword('au plus vite', 10, 'fr'),
  keyword('dès que possible', 5, 'fr'),
  keyword('immédiatement', 10, 'fr'),
  keyword('immediately', 10, 'en'),
  keyword('dernier délai', 10, 'fr'),
  keyword('deadline', 10, 'en'),
  // Safety and damage.
  keyword('accident', 25),
  keyword('blessé', 15, 'fr'),
  keyword('injured', 15, 'en'),
  keyword('danger', 20),
  keyword('dangereux', 20, 'fr'),
  keyword('dangerous', 20, 'en'),
  keyword('fuite de gaz', 30, 'fr'),
  keyword('gas leak', 30, 'en'),
  keyword('fuite', 10, 'fr'),
  keyword('leak', 10, 'en'),
  keyword('inondation', 20, 'fr'),
  keyword('flooding', 20, 'en'),
  keyword('odeur de gaz', 30, 'fr'),
  keyword('smell of gas', 30, 'en'),
  keyword('gas smell', 30, 'en'),
  keyword('plus de chauffage', 15, 'fr'),
  keyword('sans chauffage', 15, 'fr'),
  keyword("plus d'eau chaude", 10, 'fr'),
  keyword('no heating', 15, 'en'),
  keyword('no hot water', 10, 'en'),
  keyword('en panne', 5, 'fr'),
  keyword('outage', 10, 'en'),
  // Disputes and legal threats.
  keyword('litige', 15, 'fr'),
  keyword('mise en demeure', 30, 'fr'),
  keyword('tribunal', 20, 'fr'),
  keyword('avocat', 20, 'fr'),
  keyword('lawyer', 20, 'en'),
  keyword('solicitor', 20, 'en'),
  keyword('attorney', 20, 'en'),
  keyword('legal action', 25, 'en'),
  keyword('small claims', 20, 'en'),
  keyword('fraude', 15, 'fr'),
  keyword('fraud', 15, 'en'),
  // Dissatisfaction: a nudge, not an emergency.
  keyword('réclamation', 3, 'fr'),
  keyword('plainte', 10, 'fr'),
  keyword('complaint', 3, 'en'),
  keyword('remboursement', 3, 'fr'),
  keyword('refund', 3, 'en'),
  // Positive business events.
  event('devis signé', 'fr'),
  event('devis accepté', 'fr'),
  event('commande validée', 'fr'),
  event('bon pour accord', 'fr'),
  event('bon de commande', 'fr'),
  event('contrat signé', 'fr'),
  event('signed quote', 'en'),
  event('quote signed', 'en'),
  event('accept quote', 'en'),
  event('order confirmed', 'en'),
  event('purchase order', 'en'),
  event('signed contract', 'en'),
];
