import { AutoReplyCandidate, AutoReplyInput, matchAutoReply, normalizeForMatch } from './auto-reply-matcher';

let created = 0;
const rule = (id: string, overrides: Partial<AutoReplyCandidate> = {}): AutoReplyCandidate => ({
  id,
  enabled: true,
  intents: ['information'],
  keywords: [],
  language: null,
  mailboxId: null,
  priority: 0,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, ++created)),
  ...overrides,
});

const mail = (overrides: Partial<AutoReplyInput> = {}): AutoReplyInput => ({
  intent: 'information',
  language: 'fr',
  subject: 'Question',
  text: 'Bonjour, je voudrais connaître vos horaires.',
  mailboxId: 'mbx-1',
  ...overrides,
});

describe('auto-reply matcher', () => {
  it('matches on the intent alone when the rule has no keywords', () => {
    expect(matchAutoReply([rule('info')], mail())?.id).toBe('info');
    expect(matchAutoReply([rule('info')], mail({ intent: 'complaint' }))).toBeNull();
    expect(matchAutoReply([rule('quote', { intents: ['quote', 'information'] })], mail())?.id).toBe('quote');
  });

  it('answers only information or quote requests, even with a rule saved for other intents', () => {
    const legacy = rule('legacy', { intents: ['complaint', 'order', 'other', 'information'] });
    expect(matchAutoReply([legacy], mail({ intent: 'complaint' }))).toBeNull();
    expect(matchAutoReply([legacy], mail({ intent: 'order' }))).toBeNull();
    expect(matchAutoReply([legacy], mail({ intent: 'other' }))).toBeNull();
    expect(matchAutoReply([legacy], mail({ intent: 'information' }))?.id).toBe('legacy');
  });

  it('needs any one keyword in the subject or body, ignoring accents, case, punctuation and a plural', () => {
    const tarifs = rule('tarifs', { keywords: ['tarif', 'prix'] });
    expect(matchAutoReply([tarifs], mail({ text: 'Quels sont vos TARIFS ?' }))?.id).toBe('tarifs');
    expect(matchAutoReply([tarifs], mail({ subject: 'Prix, svp', text: '' }))?.id).toBe('tarifs');
    expect(matchAutoReply([tarifs], mail({ text: 'Pouvez-vous me rappeler ?' }))).toBeNull();
    // Whole words: "prix" is not found inside "prixe", "tarif" not inside "tarification".
    expect(matchAutoReply([tarifs], mail({ text: 'la tarification du prixe' }))).toBeNull();

    const accents = rule('accents', { keywords: ['Délai de livraison', 'cœur'] });
    expect(matchAutoReply([accents], mail({ text: 'quel DELAI de-livraison ?' }))?.id).toBe('accents');
    expect(matchAutoReply([accents], mail({ text: 'au coeur du sujet' }))?.id).toBe('accents');
  });

  it('honours the language and the mailbox (null = any)', () => {
    const fr = rule('fr', { language: 'fr' });
    const mailbox = rule('mbx-2', { mailboxId: 'mbx-2' });
    expect(matchAutoReply([fr], mail({ language: 'en' }))).toBeNull();
    expect(matchAutoReply([fr], mail({ language: 'fr' }))?.id).toBe('fr');
    expect(matchAutoReply([mailbox], mail({ mailboxId: 'mbx-1' }))).toBeNull();
    expect(matchAutoReply([mailbox], mail({ mailboxId: null }))).toBeNull();
    expect(matchAutoReply([mailbox], mail({ mailboxId: 'mbx-2' }))?.id).toBe('mbx-2');
  });

  it('skips disabled rules and picks the highest priority, then the oldest', () => {
    const older = rule('older');
    const newer = rule('newer');
    const urgent = rule('urgent', { priority: 5 });
    const disabled = rule('disabled', { priority: 10, enabled: false });
    expect(matchAutoReply([newer, disabled, older, urgent], mail())?.id).toBe('urgent');
    expect(matchAutoReply([newer, older], mail())?.id).toBe('older');
    expect(matchAutoReply([disabled], mail())).toBeNull();
    // A higher-priority rule that does not match lets the next one answer.
    expect(matchAutoReply([older, rule('picky', { priority: 9, keywords: ['garantie'] })], mail())?.id).toBe('older');
  });

  it('normalizes text for matching', () => {
    expect(normalizeForMatch("  L'Œuvre, ÉTÉ — café!  ")).toBe('l oeuvre ete cafe');
  });
});
