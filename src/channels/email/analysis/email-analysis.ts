export const EMAIL_SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type EmailSentiment = (typeof EMAIL_SENTIMENTS)[number];

export const EMAIL_INTENTS = ['complaint', 'quote', 'information', 'order', 'other'] as const;
export type EmailIntent = (typeof EMAIL_INTENTS)[number];

export type EmailOrigin = 'web-form' | 'spontaneous';

/** The input of the analysis: what a person wrote, and where it came from. */
export interface EmailAnalysisInput {
  subject: string;
  text: string;
  fromAddress: string | null;
  /** Header names lower-cased. */
  headers: Record<string, string>;
}

/**
 * What ingestion learns from one email. `priorityBoost` is added to the
 * queue's priority (0..MAX_PRIORITY after clamping by the caller);
 * `priorityReasons` say why, in words an agent reads on the offer
 * (e.g. `keyword "urgent" (+20)`, `negative sentiment (+10)`; scale and
 * defaults in priority-rule.ts).
 */
export interface EmailAnalysis {
  language: 'fr' | 'en';
  sentiment: EmailSentiment;
  intent: EmailIntent;
  origin: EmailOrigin;
  priorityBoost: number;
  priorityReasons: string[];
  /** Business events spotted (e.g. `devis signé`, `commande validée`, `bon pour accord`). */
  businessEvents: string[];
}
