/**
 * The merge fields a reply template may use, and the context they are read
 * from. Every value is a string (a missing one is `''`), so a template renders
 * the same way whatever the caller knew: `{{customer.name}}` of an unknown
 * sender is simply empty, never `undefined` nor an error.
 *
 * `ticket.*` is the customer-facing name of the conversation (the reference
 * `K7F-2Q9` the customer quotes back as `[#K7F-2Q9]`); `conversation.*` holds
 * the same values under the internal name. Both exist because agents write
 * "ticket" and the data model says "conversation".
 */
export interface MergeContext {
  customer: { name: string; email: string; firstName: string };
  ticket: { ref: string; subject: string };
  conversation: { subject: string; ref: string };
  agent: { name: string; email: string };
  mailbox: { address: string };
  eta: { text: string; hours: string };
}

/** What a caller may pass: any section, any field of it; the rest is `''`. */
export type PartialMergeContext = { [Section in keyof MergeContext]?: Partial<MergeContext[Section]> };

export type MergeSection = keyof MergeContext;

export interface MergeFieldDoc {
  /** As written in a template, without braces: `customer.name`. */
  path: string;
  description: string;
  example: string;
}

/** Every field a template may reference (the editor lists them; saving rejects any other). */
export const MERGE_FIELDS: readonly MergeFieldDoc[] = [
  { path: 'customer.name', description: "The customer's full name, as known (from the mail's From, or the customer record)", example: 'Jeanne Martin' },
  { path: 'customer.firstName', description: 'The first word of the customer name', example: 'Jeanne' },
  { path: 'customer.email', description: "The customer's email address", example: 'jeanne.martin@example.com' },
  { path: 'ticket.ref', description: 'The reference given to the customer (put `[#{{ticket.ref}}]` in a subject to keep threading)', example: 'K7F-2Q9' },
  { path: 'ticket.subject', description: 'The subject of the request (same as conversation.subject)', example: 'Demande de devis' },
  { path: 'conversation.ref', description: 'Same as ticket.ref', example: 'K7F-2Q9' },
  { path: 'conversation.subject', description: "The conversation's subject (the customer's first mail)", example: 'Demande de devis' },
  { path: 'agent.name', description: 'The agent answering (empty in automatic mail)', example: 'Paul Durand' },
  { path: 'agent.email', description: "The answering agent's email (empty in automatic mail)", example: 'paul.durand@acd.local' },
  { path: 'mailbox.address', description: 'The address the customer wrote to (the reply comes from it)', example: 'contact@example.com' },
  { path: 'eta.text', description: 'Expected answer time in words, in the template language (from the live backlog)', example: 'sous 4 heures' },
  { path: 'eta.hours', description: 'Expected answer time in whole hours (rounded up)', example: '4' },
];

export const MERGE_FIELD_PATHS: ReadonlySet<string> = new Set(MERGE_FIELDS.map((field) => field.path));

export function emptyMergeContext(): MergeContext {
  return {
    customer: { name: '', email: '', firstName: '' },
    ticket: { ref: '', subject: '' },
    conversation: { subject: '', ref: '' },
    agent: { name: '', email: '' },
    mailbox: { address: '' },
    eta: { text: '', hours: '' },
  };
}

/** The example values of MERGE_FIELDS as a context (editor previews, docs). */
export function exampleMergeContext(): MergeContext {
  const context = emptyMergeContext();
  for (const field of MERGE_FIELDS) setField(context, field.path, field.example);
  return context;
}

/**
 * A complete context from a partial one: only known fields are copied, and
 * only as strings (null/undefined become `''`), so nothing a caller passes can
 * reach the template as an object or a prototype property.
 */
export function completeMergeContext(partial: PartialMergeContext = {}): MergeContext {
  const context = emptyMergeContext();
  for (const path of MERGE_FIELD_PATHS) {
    const [section, field] = path.split('.') as [MergeSection, string];
    const value = (partial[section] as Record<string, unknown> | undefined)?.[field];
    if (value !== undefined && value !== null) setField(context, path, String(value));
  }
  return context;
}

/** The value of a known field (`''` for an unknown path). */
export function fieldValue(context: MergeContext, path: string): string {
  if (!MERGE_FIELD_PATHS.has(path)) return '';
  const [section, field] = path.split('.') as [MergeSection, string];
  return (context[section] as Record<string, string>)[field] ?? '';
}

function setField(context: MergeContext, path: string, value: string): void {
  const [section, field] = path.split('.') as [MergeSection, string];
  (context[section] as Record<string, string>)[field] = value;
}

/** Plain inputs of `buildMergeContext`: whatever the caller already loaded, no DB access here. */
export interface MergeContextInput {
  customer?: { name?: string | null; email?: string | null; firstName?: string | null } | null;
  conversation?: { ref?: string | null; subject?: string | null } | null;
  agent?: { name?: string | null; email?: string | null } | null;
  mailboxAddress?: string | null;
  /** Expected answer time in hours (from the live backlog); null/undefined when unknown. */
  etaHours?: number | null;
  /** Language of `eta.text` (the template's); English by default. */
  language?: 'fr' | 'en';
}

export function buildMergeContext(input: MergeContextInput): MergeContext {
  const name = clean(input.customer?.name);
  const ref = clean(input.conversation?.ref);
  const subject = clean(input.conversation?.subject);
  const eta = describeEta(input.etaHours, input.language ?? 'en');
  return {
    customer: { name, email: clean(input.customer?.email), firstName: clean(input.customer?.firstName) || firstNameOf(name) },
    ticket: { ref, subject },
    conversation: { subject, ref },
    agent: { name: clean(input.agent?.name), email: clean(input.agent?.email) },
    mailbox: { address: clean(input.mailboxAddress) },
    eta,
  };
}

/**
 * `4.2` hours → `{hours: '5', text: 'within 5 hours' | 'sous 5 heures'}`;
 * under an hour → "within the hour"; beyond two days → whole days.
 * Rounded up: a promise is better kept early than late.
 */
export function describeEta(hours: number | null | undefined, language: 'fr' | 'en'): MergeContext['eta'] {
  if (hours === null || hours === undefined || !Number.isFinite(hours) || hours < 0) return { text: '', hours: '' };
  const whole = Math.max(1, Math.ceil(hours));
  const fr = language === 'fr';
  let text: string;
  if (hours <= 1) text = fr ? "dans l'heure" : 'within the hour';
  else if (whole <= 48) text = fr ? `sous ${whole} heures` : `within ${whole} hours`;
  else {
    const days = Math.ceil(whole / 24);
    text = fr ? `sous ${days} jours` : `within ${days} days`;
  }
  return { text, hours: String(whole) };
}

/** "Jeanne Martin" → "Jeanne"; an address used as a name gives nothing. */
function firstNameOf(name: string): string {
  if (name.includes('@')) return '';
  return name.split(/\s+/)[0] ?? '';
}

function clean(value: string | null | undefined): string {
  return (value ?? '').trim();
}
