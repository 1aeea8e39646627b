import type { EmailIntent } from './email-analysis';

/**
 * The word lists of the email analysis (French and English). Kept small and
 * readable on purpose: a supervisor should be able to guess why a mail was
 * read as negative or as a quote request. Entries are written as people
 * write them; they are folded and stemmed like the text (email-text.ts).
 */

export type CueLanguage = 'fr' | 'en' | null;

export interface Cue {
  pattern: string;
  score: number;
  /** Only for mails in this language (null: both). Needed where a word means something else in the other language. */
  language: CueLanguage;
  /** Score when negated ("pas content", "not received"); default: a positive word flips, a negative one is cancelled. */
  negated?: number;
}

type CueSpec = [pattern: string, score: number, negated?: number];

function cues(language: CueLanguage, specs: CueSpec[]): Cue[] {
  return specs.map(([pattern, score, negated]) => ({ pattern, score, language, ...(negated === undefined ? {} : { negated }) }));
}

/**
 * Words that carry no feeling alone but a negative one when negated: the
 * thing the customer waited for did not happen ("jamais reçu", "still not
 * shipped", "ne fonctionne pas", "no reply").
 */
const OUTCOMES_FR = ['correspond', 'reçu', 'livré', 'arrivé', 'venu', 'prévenu', 'répondu', 'réponse', 'rappelé', 'remboursé', 'réglé', 'résolu', 'réparé', 'fonctionne', 'marche', 'expédié', 'nouvelles', 'normal'];
const OUTCOMES_EN = ['match', 'received', 'arrived', 'delivered', 'shipped', 'dispatched', 'replied', 'answered', 'answer', 'response', 'reply', 'heard', 'work', 'works', 'working', 'fixed', 'resolved', 'refunded', 'came', 'showed'];

export const OUTCOME_CUES: Cue[] = [
  ...cues('fr', OUTCOMES_FR.map((word): CueSpec => [word, 0, -1])),
  ...cues('en', OUTCOMES_EN.map((word): CueSpec => [word, 0, -1])),
];

export const SENTIMENT_CUES: Cue[] = [
  ...OUTCOME_CUES,
  ...cues('fr', [
    // Anger, indignation
    ['inadmissible', -2], ['inacceptable', -2], ['scandaleux', -2], ['scandaleuse', -2], ['honteux', -2], ['honte', -2],
    ['lamentable', -2], ['catastrophique', -2], ['déplorable', -2], ['arnaque', -2], ['escroquerie', -2], ['furieux', -2],
    ['furieuse', -2], ['colère', -2], ['exaspéré', -2], ['exaspérée', -2], ['marre', -2], ['ras le bol', -2], ['incompétent', -2],
    ['incompétence', -2], ['moquez', -1.5], ["n'importe quoi", -1.5], ['mépris', -1.5], ['irrespectueux', -1.5], ['impoli', -1.5],
    ['désagréable', -1.5], ['ridicule', -1.5], ['nul', -1.5], ['pire', -1.5], ['intolérable', -2], ['indigne', -2],
    // Disappointment, worry
    ['déçu', -1.5], ['déçue', -1.5], ['déception', -1.5], ['mécontent', -1.5], ['mécontente', -1.5], ['insatisfait', -1.5],
    ['insatisfaite', -1.5], ['énervé', -1.5], ['énervée', -1.5], ['agacé', -1], ['agacée', -1], ['frustré', -1], ['frustrée', -1],
    ['frustrant', -1], ['inquiet', -1], ['inquiète', -1], ['angoisse', -1.5], ['angoissé', -1.5], ['désespéré', -2], ['peur', -1],
    ['stressé', -1], ['stressée', -1], ['panique', -1.5], ['affolé', -1.5], ['affolée', -1.5], ['terrifié', -2], ['terrifiée', -2],
    // Deprived of something essential ("nous n'avons plus de chauffage")
    ['plus de chauffage', -1], ['sans chauffage', -1], ["plus d'eau chaude", -1], ["plus d'électricité", -1], ['plus de courant', -1],
    // Things gone wrong
    ['problème', -0.5], ['souci', -0.5], ['panne', -1], ['cassé', -1], ['cassée', -1], ['abîmé', -1], ['abîmée', -1],
    ['endommagé', -1], ['endommagée', -1], ['défectueux', -1], ['défectueuse', -1], ['défaut', -0.5], ['erreur', -0.5],
    ['retard', -1], ['bloqué', -1], ['bloquée', -1], ['accident', -1], ['blessé', -1], ['grave', -1], ['dégât', -1], ['dégâts', -1],
    ['fuite', -0.5], ['manquant', -0.5], ['perdu', -0.5], ['perte', -0.5], ['toujours pas', -1], ['encore une fois', -1], ['pour rien', -1],
    ['malheureusement', -0.5], ['dommage', -0.5], ['plainte', -1], ['réclamation', -0.5], ['litige', -1], ['mise en demeure', -2],
    ['relances', -0.5], ['excuses', -0.5], ['à tort', -0.5],
    // Satisfaction, thanks
    ['excellent', 2], ['excellente', 2], ['génial', 2], ['géniale', 2], ['formidable', 2], ['extraordinaire', 2], ['bravo', 2],
    ['félicitations', 2], ['remarquable', 1.5], ['remarquables', 1.5], ['impeccable', 1.5], ['ravi', 1.5], ['ravie', 1.5],
    ['ravis', 1.5], ['parfait', 1.5], ['parfaite', 1.5], ['parfaitement', 1], ['enchanté', 1], ['enchantée', 1],
    ['plaisir', 1], ['vrai plaisir', 2], ['fait plaisir', 1.5], ['super', 1], ['top', 1], ['efficace', 1], ['efficacité', 1],
    ['réactivité', 1], ['réactif', 1], ['compétent', 1], ['aimable', 1], ['sympathique', 1], ['agréable', 1], ['satisfait', 1],
    ['satisfaite', 1], ['content', 1], ['contente', 1], ['heureux', 1], ['heureuse', 1], ['bonne nouvelle', 1.5],
    ['recommande', 1], ['recommanderai', 1.5], ['hâte', 1], ['merci', 0.5], ['merci beaucoup', 1], ['grand merci', 1.5],
    ['mille mercis', 1.5], ['merci infiniment', 1.5], ['remercie', 0.5],
    // Courtesy formulas: no feeling (they override "merci" above by being longer)
    ["merci d'avance", 0], ['merci par avance', 0], ['merci de', 0], ['en vous remerciant', 0],
  ]),
  ...cues('en', [
    ['unacceptable', -2], ['disgraceful', -2], ['appalling', -2], ['outrageous', -2], ['outraged', -2], ['furious', -2],
    ['disgusted', -2], ['disgusting', -2], ['terrible', -2], ['horrible', -2], ['awful', -2], ['worst', -2], ['shocking', -2],
    ['rip off', -2], ['scam', -2], ['incompetent', -2], ['fed up', -2], ['livid', -2], ['shambles', -2], ['angry', -2],
    ['ridiculous', -1.5], ['useless', -1.5], ['nightmare', -1.5], ['rude', -1.5],
    ['disappointed', -1.5], ['disappointing', -1.5], ['unhappy', -1.5], ['upset', -1.5], ['shaken', -1.5], ['distressed', -1.5],
    ['annoyed', -1], ['frustrated', -1], ['frustrating', -1], ['worried', -1], ['anxious', -1], ['stressful', -1], ['poor', -1],
    ['bad', -1], ['concerned', -0.5], ['scared', -1.5], ['frightened', -1.5], ['panicking', -1.5], ['terrified', -2],
    ['desperate', -2], ['no heating', -1], ['no hot water', -1], ['no power', -1], ['overcharged', -1],
    ['problem', -0.5], ['issue', -0.5], ['broken', -1], ['damaged', -1], ['faulty', -1], ['defective', -1], ['scratch', -0.5],
    ['leaking', -0.5], ['error', -0.5], ['late', -0.5], ['delay', -0.5], ['delayed', -0.5], ['still waiting', -1],
    ['yet again', -1], ['once again', -0.5], ['unfortunately', -0.5], ['accident', -1], ['injured', -1], ['lost', -0.5],
    ['complaint', -1], ['charged twice', -1], ['double charged', -1], ['wrong', -0.5], ['apology', -0.5], ['unanswered', -1],
    ['ignored', -1], ['money back', -0.5], ['losing', -1],
    ['excellent', 2], ['amazing', 2], ['fantastic', 2], ['wonderful', 2], ['superb', 2], ['outstanding', 2], ['awesome', 2],
    ['delighted', 2], ['thrilled', 2], ['brilliant', 1.5], ['impressed', 1.5], ['love', 1.5], ['loved', 1.5], ['loving', 1.5],
    ['well done', 1.5], ['great', 1], ['perfect', 1], ['happy', 1], ['glad', 1], ['pleased with', 1], ['so pleased', 1.5], ['satisfied', 1], ['helpful', 1],
    ['friendly', 1], ['recommend', 1], ['looking forward', 1], ['enjoyed', 1], ['pleasure', 1], ['good news', 1.5], ['good', 0.5],
    ['nice', 0.5], ['appreciate', 0.5], ['appreciated', 0.5], ['thanks', 0.5], ['thank', 0.5], ['thank you so much', 1],
    ['thanks so much', 1], ['thanks a lot', 1], ['huge thank', 1.5], ['big thank', 1.5], ['many thanks', 0.5],
    // Courtesy formulas: no feeling
    ['thanks in advance', 0], ['thank you in advance', 0], ['kind regards', 0], ['best regards', 0], ['happy to help', 0],
  ]),
];

/** Words that strengthen the next feeling word ("très déçu", "really happy"): ×1.5. */
export const INTENSIFIERS = new Set([
  'tres', 'vraiment', 'extremement', 'tellement', 'trop', 'totalement', 'completement', 'absolument', 'particulierement',
  'profondement', 'very', 'really', 'so', 'extremely', 'totally', 'completely', 'absolutely', 'truly', 'deeply', 'incredibly',
  'highly', 'utterly',
]);

/** Shouted in capitals, these add emphasis ("DEUX fois", "NEVER", "HELP"), besides any sentiment word. */
export const EMPHATIC_WORDS = new Set([
  'deux', 'trois', 'jamais', 'toujours', 'rien', 'aucun', 'encore', 'aide', 'maintenant', 'vraiment', 'stop',
  'two', 'twice', 'never', 'still', 'nothing', 'again', 'help', 'now', 'really', 'not',
]);

export type ScoredIntent = Exclude<EmailIntent, 'other'>;

export const INTENT_CUES: Record<ScoredIntent, Cue[]> = {
  complaint: [
    ...cues('fr', [
      ['réclamation', 2], ['plainte', 2], ['litige', 2], ['mise en demeure', 2], ['inadmissible', 1.5], ['inacceptable', 1.5],
      ['scandaleux', 1.5], ['défectueux', 1.5], ['défectueuse', 1.5], ['cassé', 1.5], ['cassée', 1.5], ['abîmé', 1.5],
      ['abîmée', 1.5], ['endommagé', 1.5], ['endommagée', 1.5], ['en panne', 1], ['remboursement', 1], ['rembourser', 1],
      ['remboursé', 1], ['retard', 1], ['toujours pas', 1], ['relances', 1], ['manquant', 1], ['excuses', 1],
      ['geste commercial', 1.5], ['facturé deux fois', 2], ['prélevé deux fois', 2], ['erreur', 1], ['à tort', 1.5], ['trop perçu', 2],
      ['surfacturation', 2], ['erreur de facturation', 2], ['déçu', 1], ['déçue', 1],
      ['mécontent', 1], ['avocat', 1], ['tribunal', 1],
    ]),
    ...cues('en', [
      ['complaint', 2], ['complain', 2], ['unacceptable', 1.5], ['disgraceful', 1.5], ['appalling', 1.5], ['damaged', 1.5],
      ['broken', 1.5], ['faulty', 1.5], ['defective', 1.5], ['scratch', 1], ['refund', 1], ['money back', 1.5],
      ['charged twice', 2], ['double charged', 2], ['still waiting', 1.5], ['rude', 1.5], ['apology', 1], ['legal action', 1.5],
      ['small claims', 1.5], ['solicitor', 1], ['lawyer', 1], ['unanswered', 1], ['disappointed', 1], ['wrong', 0.5],
      ['overcharged', 2], ['incorrect', 1], ['incorrectly', 1], ['billing error', 2], ['error', 0.5], ['credit note', 1],
    ]),
  ],
  quote: [
    ...cues('fr', [
      ['devis', 2], ['tarif', 2], ['tarifs', 2], ['prix', 2], ['combien', 1], ['coûterait', 1], ['coût', 1],
      ['proposition chiffrée', 2], ['proposition commerciale', 2], ['proposition', 1], ['chiffrage', 2], ['chiffrer', 2],
      ['estimation', 1.5], ['estimatif', 1.5], ['budget', 0.5],
    ]),
    ...cues('en', [
      ['quote', 2], ['quotation', 2], ['estimate', 1.5], ['pricing', 2], ['price', 1.5], ['prices', 1.5], ['how much', 1.5],
      ['cost', 1], ['rates', 1], ['discount', 1], ['rfq', 2], ['ballpark', 1.5],
    ]),
  ],
  order: [
    ...cues('fr', [
      ['commander', 2], ['passer commande', 2.5], ['bon de commande', 2.5], ['commande', 1], ['annuler', 1.5], ['annulation', 1.5],
      ['ajouter', 1], ['modifier', 0.5], ['à livrer', 1], ['livraison souhaitée', 1], ['acompte', 1.5], ['accord', 1],
      ['je confirme', 1.5], ['valider', 1], ['validée', 1], ['signé', 1],
    ]),
    ...cues('en', [
      ['order', 1], ['new order', 1.5], ['order request', 2], ['reorder', 2], ['place an order', 2.5], ['like to order', 2], ['could we order', 2], ['can we order', 2],
      ['purchase order', 2.5], ['po number', 2], ['cancel', 1.5], ['delivery address', 1], ['go ahead', 1.5], ['proceed', 1],
      ['confirmed', 1], ['signed', 1], ['please supply', 1.5], ['please deliver', 1], ['on my account', 1],
    ]),
  ],
  information: [
    ...cues('fr', [
      ['horaires', 2], ['ouvert', 1], ['ouverts', 1], ['renseignement', 2], ['renseignements', 2], ['information', 1.5],
      ['informations', 1.5], ['savoir', 1], ['question', 1.5], ['comment', 1], ['est-il possible', 1], ['pouvez-vous me dire', 1.5],
      ['garantie', 1], ['compatible', 1], ['disponible', 1], ['frais', 0.5], ['délai', 0.5],
    ]),
    ...cues('en', [
      ['opening hours', 2], ['open', 1], ['information', 1.5], ['info', 1], ['question', 1.5], ['how do i', 2], ['how can i', 2],
      ['wondering', 1.5], ['is there', 1], ['does', 0.5], ['do i need', 1], ['is it possible', 1], ['can you tell me', 1.5],
      ['warranty', 1], ['compatible', 1], ['available', 1], ['whether', 0.5],
    ]),
  ],
};

/** Stop words for language detection: frequent, and only in one of the two languages. */
export const FR_STOP_WORDS = new Set(
  ('le la les des du et est une pour que qui dans pas vous nous je ne sur au aux avec ce cette mais ou sont mon ma mes votre vos ' +
    'notre nos il elle ete avez suis bonjour merci cordialement bonsoir depuis tres aussi sans chez leur etait avons ai par plus').split(' '),
);
export const EN_STOP_WORDS = new Set(
  ('the and is are to of for that this you we it not with my your our have has was be please thanks hello hi would could can ' +
    'will from at been there what which when just our they their me do does did an regards dear should').split(' '),
);
