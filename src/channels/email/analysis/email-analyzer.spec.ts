import type { EmailAnalysisInput } from './email-analysis';
import { analyzeEmail } from './email-analyzer';
import { stripQuoted, stripSignature, stem } from './email-text';
import { DEFAULT_PRIORITY_RULES, MAX_PRIORITY_BOOST, PriorityRule } from './priority-rule';

const mail = (text: string, subject = '', extra: Partial<EmailAnalysisInput> = {}): EmailAnalysisInput => ({
  subject,
  text,
  fromAddress: 'client@example.com',
  headers: {},
  ...extra,
});

const analyze = (text: string, subject = '', extra: Partial<EmailAnalysisInput> = {}) => analyzeEmail(mail(text, subject, extra), DEFAULT_PRIORITY_RULES);

describe('analyzeEmail', () => {
  describe('language', () => {
    it('tells French from English by their frequent words', () => {
      expect(analyze('Bonjour, je voudrais savoir si vous êtes ouverts le samedi.').language).toBe('fr');
      expect(analyze('Hello, could you tell me whether the shop is open on Saturday?').language).toBe('en');
    });

    it('reads the language of the customer, not of a quoted reply', () => {
      const text = 'Merci, mais je ne suis pas sûr de comprendre.\n\nOn Tue, 2 Apr 2024 at 14:03, Support <s@x.com> wrote:\n> Thank you for your message, we will get back to you as soon as we can with the details you asked for.';
      expect(analyze(text).language).toBe('fr');
    });
  });

  describe('keywords and reasons', () => {
    it('names each keyword found and its weight', () => {
      const result = analyze("C'est urgent : nous avons eu un accident ce matin.");
      expect(result.priorityReasons).toEqual(expect.arrayContaining(['keyword "urgent" (+20)', 'keyword "accident" (+25)']));
      expect(result.priorityBoost).toBeGreaterThanOrEqual(45);
    });

    it('ignores accents and case, and accepts inflected forms', () => {
      for (const text of ['URGENT !', 'Demande urgente', 'Please reply urgently']) {
        expect(analyze(text).priorityReasons).toContain('keyword "urgent" (+20)');
      }
      expect(analyze('Ouverture d’un LITIGE sur la commande').priorityReasons).toContain('keyword "litige" (+15)');
      expect(analyze('Je vous adresse une reclamation').priorityReasons).toContain('keyword "réclamation" (+3)');
      expect(analyze('Vous recevez ici une MISE EN DEMEURE').priorityReasons).toContain('keyword "mise en demeure" (+30)');
    });

    it('does not count a negated keyword', () => {
      for (const text of ["Ce n'est pas urgent, répondez quand vous pourrez.", 'Not urgent at all, just a question.', "Rien d'urgent, merci."]) {
        const result = analyze(text);
        expect(result.priorityReasons.filter((reason) => reason.startsWith('keyword'))).toEqual([]);
      }
      // A negation in another clause does not reach it.
      expect(analyze("Je n'arrive pas à me connecter, c'est urgent.").priorityReasons).toContain('keyword "urgent" (+20)');
    });

    it('keeps a pattern that itself says something is missing', () => {
      expect(analyze("Nous n'avons plus de chauffage depuis hier soir.").priorityReasons).toContain('keyword "plus de chauffage" (+15)');
    });

    it('applies a language-bound rule only to mails in that language', () => {
      const rules: PriorityRule[] = [{ pattern: 'rappel', weight: 7, kind: 'keyword', language: 'fr' }];
      expect(analyzeEmail(mail('Merci de me faire un rappel demain, je suis disponible.'), rules).priorityBoost).toBe(7);
      expect(analyzeEmail(mail('Please give me a call back, rappel is the French word for it.'), rules).priorityBoost).toBe(0);
    });

    it('supports a trailing * for any ending, and negative weights', () => {
      const rules: PriorityRule[] = [
        { pattern: 'rembours*', weight: 4, kind: 'keyword' },
        { pattern: 'newsletter', weight: -10, kind: 'keyword' },
      ];
      expect(analyzeEmail(mail('Je souhaite être remboursée.'), rules).priorityReasons).toEqual(['keyword "rembours*" (+4)']);
      const lowered = analyzeEmail(mail('Please remove me from the newsletter.'), rules);
      expect(lowered.priorityBoost).toBe(-10);
      expect(lowered.priorityReasons).toEqual(['keyword "newsletter" (-10)']);
    });
  });

  describe('business events', () => {
    it('flags a signed quote as a positive event with a modest boost, counted once', () => {
      const result = analyze('Bonjour, voici le devis signé, bon pour accord. Nous démarrons lundi comme prévu.');
      expect(result.businessEvents).toEqual(expect.arrayContaining(['devis signé', 'bon pour accord']));
      expect(result.priorityReasons.filter((reason) => reason.startsWith('business event'))).toHaveLength(1);
      expect(result.priorityBoost).toBe(10);
      expect(result.intent).toBe('order');
      expect(result.sentiment).not.toBe('negative');
    });

    it('finds the words of an event with a few words between them, but not when negated', () => {
      expect(analyze('I have signed the quote and attached it.').businessEvents).toEqual(['signed quote']);
      // Never across a sentence.
      expect(analyze('I signed the delivery note. Your quote is too high for us.').businessEvents).toEqual([]);
      expect(analyze("Le devis n'est pas encore signé, je reviens vers vous.").businessEvents).toEqual([]);
    });
  });

  describe('sentiment', () => {
    it('handles negation: "pas content", "not happy" are negative; "aucun problème" is not', () => {
      expect(analyze('Je ne suis pas du tout content de votre service.').sentiment).toBe('negative');
      expect(analyze('I am not happy with the repair.').sentiment).toBe('negative');
      expect(analyze("Aucun problème pour mardi, je serai là.").sentiment).toBe('neutral');
      expect(analyze("I still haven't received my parcel and nobody has replied.").sentiment).toBe('negative');
    });

    it('reads praise as positive and courtesy as neutral', () => {
      expect(analyze('Un grand merci à Karim, intervention impeccable, je recommande !').sentiment).toBe('positive');
      expect(analyze('Could you send me the invoice again please?\n\nThanks in advance,\nJo').sentiment).toBe('neutral');
      expect(analyze('Pourriez-vous me renvoyer la facture ?\n\nMerci beaucoup,\nJean Dupont').sentiment).toBe('neutral');
    });

    it('lets intensifiers, exclamation marks and capitals strengthen a feeling', () => {
      expect(analyze('I am very disappointed!!! This is NEVER going to happen AGAIN.').sentiment).toBe('negative');
      // "déçu" alone is negative; the intensifier makes it stronger, and strong enough to be a complaint.
      expect(analyze('Je suis très déçu.').intent).toBe('complaint');
    });

    it('raises the priority of a negative mail, with a reason', () => {
      const result = analyze("C'est inadmissible, je n'ai toujours pas reçu ma commande.");
      expect(result.sentiment).toBe('negative');
      expect(result.priorityReasons).toContain('negative sentiment (+10)');
    });
  });

  describe('intent', () => {
    it.each([
      ['Pourriez-vous me faire un devis pour la pose de 40 m² de parquet ?', 'quote'],
      ['What would your pricing be for 25 seats on the annual plan?', 'quote'],
      ['Quels sont vos horaires d’ouverture le samedi ?', 'information'],
      ['How do I change the email address on my account?', 'information'],
      ['Je souhaiterais commander 3 cartouches d’encre, livraison au bureau habituel.', 'order'],
      ['Please cancel order 55-1290, I picked the wrong size.', 'order'],
      ['Le colis est arrivé cassé, je demande le remboursement. Très déçue.', 'complaint'],
      ['I was charged twice this month, please refund the second payment.', 'complaint'],
      ['Just wanted to say thank you, everything was perfect.', 'other'],
    ])('%s → %s', (text, intent) => {
      expect(analyze(text).intent).toBe(intent);
    });
  });

  describe('quoted text and signatures', () => {
    it('ignores lines quoted with ">" and everything after "On … wrote:" or "Le … a écrit :"', () => {
      const reply =
        'Thanks, that answers my question.\n\nOn Mon, 3 Mar 2025 at 10:00, Anna <\nanna@shop.com> wrote:\n> This is URGENT, we had an accident and I want a refund!\n> Disgraceful.';
      const result = analyze(reply);
      expect(result.priorityBoost).toBe(0);
      expect(result.sentiment).not.toBe('negative');

      const french = "D'accord, merci.\n\nLe 12/06/2024 à 10:14, Service client a écrit :\nC'est urgent, mise en demeure, litige.";
      expect(analyze(french).priorityBoost).toBe(0);
      expect(analyze('Bien noté.\n> urgent\n> accident').priorityBoost).toBe(0);
    });

    it('cuts Outlook reply headers and the signature delimiter', () => {
      const outlook = 'Parfait, merci.\n\nDe : Claire <c@x.fr>\nEnvoyé : mardi 3 septembre 2024 09:12\nObjet : urgent\n\nurgent urgent';
      expect(stripQuoted(outlook)).toBe('Parfait, merci.');
      expect(stripQuoted('Bonjour\n-- \nSOS Urgences Plomberie')).toBe('Bonjour');
    });

    it('leaves a signature block out of keywords (a law firm ordering paper is not a legal threat)', () => {
      const text = 'Bonjour,\n\nMerci de nous livrer 5 ramettes de papier A4.\n\nNathalie\nAccueil – Cabinet Morin Avocats';
      expect(stripSignature(text)).not.toMatch(/Avocats/);
      expect(analyze(text).priorityBoost).toBe(0);
      // A short last sentence is not a signature.
      expect(analyze("Bonjour,\n\nMon chauffe-eau fuit.\n\nC'est urgent.").priorityReasons).toContain('keyword "urgent" (+20)');
    });
  });

  describe('origin', () => {
    it('recognizes a web form by its mailer, a robot sender with Reply-To, or a body of fields', () => {
      expect(analyze('Bonjour', '', { headers: { 'x-mailer': 'PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)' } }).origin).toBe('web-form');
      expect(analyze('Bonjour', '', { headers: { 'x-wpcf7-content-type': 'text/plain' } }).origin).toBe('web-form');
      expect(analyze('Hello', '', { fromAddress: 'no-reply@shop.com', headers: { 'reply-to': 'Jo <jo@mail.com>' } }).origin).toBe('web-form');
      const fields = 'Nom : Martin\nPrénom : Sophie\nEmail : sophie@mail.fr\nMessage : Bonjour, un devis pour les combles ?';
      const result = analyze(fields);
      expect(result.origin).toBe('web-form');
      expect(result.priorityReasons).toContain('web form (+5)');
      expect(analyze('Name\nJo Bloggs\n\nEmail\njo@mail.com\n\nMessage\nPlease call me back.').origin).toBe('web-form');
    });

    it('keeps a normal mail with a signature full of "Label: value" lines spontaneous', () => {
      const text = 'Hello, is the shop open on Sunday?\n\nJo Bloggs\nTel: 0123 456 789\nEmail: jo@mail.com\nWeb: jo.example';
      expect(analyze(text).origin).toBe('spontaneous');
      expect(analyze('Hello', '', { fromAddress: 'no-reply@shop.com', headers: {} }).origin).toBe('spontaneous');
    });
  });

  it('caps the boost at MAX_PRIORITY_BOOST and says so', () => {
    const result = analyze('URGENT: accident, injured, gas leak, my lawyer is starting legal action. Emergency!');
    expect(result.priorityBoost).toBe(MAX_PRIORITY_BOOST);
    expect(result.priorityReasons[result.priorityReasons.length - 1]).toBe(`capped at +${MAX_PRIORITY_BOOST}`);
    const lowered = analyzeEmail(mail('a b c'), [
      { pattern: 'a', weight: -50, kind: 'keyword' },
      { pattern: 'b', weight: -50, kind: 'keyword' },
    ]);
    expect(lowered.priorityBoost).toBe(-MAX_PRIORITY_BOOST);
  });

  it('puts an urgent complaint clearly above a plain information request', () => {
    const complaint = analyze("URGENT - votre technicien n'est jamais venu et je suis sans eau chaude, c'est inadmissible.");
    const question = analyze('Bonjour, quels sont vos horaires le samedi ?');
    expect(question.priorityBoost).toBe(0);
    expect(complaint.priorityBoost).toBeGreaterThanOrEqual(30);
  });

  it('is deterministic and does not depend on the order of calls', () => {
    const input = mail("Je n'ai toujours pas reçu ma commande, c'est urgent !", 'Commande 123');
    const first = analyzeEmail(input, DEFAULT_PRIORITY_RULES);
    analyzeEmail(mail('Thank you so much, wonderful service!'), DEFAULT_PRIORITY_RULES);
    expect(analyzeEmail(input, DEFAULT_PRIORITY_RULES)).toEqual(first);
  });

  it('stems French and English endings to the same word', () => {
    expect(new Set(['urgent', 'urgente', 'urgently'].map(stem)).size).toBe(1);
    expect(new Set(['signé', 'signée', 'signed', 'signing'].map((w) => stem(w.normalize('NFD').replace(/[\u0300-\u036f]/g, '')))).size).toBe(1);
  });
});
