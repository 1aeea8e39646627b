import { asksForPerson, matchFaq, tokenize } from './faq-matcher';

const entries = [
  { id: 'pwd-en', question: 'How do I reset my password?', keywords: ['password', 'reset', 'login'], language: 'en' },
  { id: 'pwd-fr', question: 'Comment réinitialiser mon mot de passe ?', keywords: ['oubli'], language: 'fr' },
  { id: 'hours', question: 'What are your opening hours?', keywords: ['open', 'hours', 'horaires', 'ouverture'], language: null },
];

describe('FAQ matcher', () => {
  it('normalizes accents, case, stop words and plurals', () => {
    expect([...tokenize('Bonjour, où sont les HORAIRES d’ouverture ?')]).toEqual(['horaire', 'ouverture']);
  });

  it('answers a plain FAQ question confidently, in English and in French', () => {
    const en = matchFaq('Hello, how can I reset my password please?', entries, 'en');
    expect(en).toMatchObject({ entry: { id: 'pwd-en' }, confident: true });
    const fr = matchFaq('Comment réinitialiser mon mot de passe ?', entries, 'fr');
    expect(fr).toMatchObject({ entry: { id: 'pwd-fr' }, confident: true });
    expect(matchFaq('quels sont vos horaires d ouverture', entries, 'fr')).toMatchObject({ entry: { id: 'hours' }, confident: true });
  });

  it('is not confident on an unrelated or a long, mixed message', () => {
    expect(matchFaq('My invoice from March is wrong', entries, 'en')).toBeNull();
    const long = matchFaq('I tried all morning to reset the password of my account but the confirmation email never arrives and my boss is angry', entries, 'en');
    expect(long?.confident).toBe(false);
  });

  it('recognizes a request for a person', () => {
    for (const text of ['I want to talk to a person', 'human please', 'Je veux parler à un conseiller', 'parler a quelqu un']) {
      expect(asksForPerson(text)).toBe(true);
    }
    expect(asksForPerson('How do I reset my password?')).toBe(false);
  });
});
