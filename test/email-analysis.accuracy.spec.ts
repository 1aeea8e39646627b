import { promises as fs } from 'fs';
import { join } from 'path';
import { ParsedMail, simpleParser } from 'mailparser';
import { EmailAnalysis, EmailAnalysisInput, EmailIntent, EmailSentiment } from '../src/channels/email/analysis/email-analysis';
import { analyzeEmail } from '../src/channels/email/analysis/email-analyzer';
import { DEFAULT_PRIORITY_RULES } from '../src/channels/email/analysis/priority-rule';

/**
 * Accuracy of the email analysis on a labelled set of realistic customer
 * mails (test/fixtures/emails/analysis/*.eml, half French, half English),
 * parsed with mailparser exactly as ingestion does.
 *
 * Labels (labels.json) say what a person reading the mail would say, written
 * before the analyzer was tuned and never changed to suit it:
 * - intent: `complaint` (dissatisfied, wants redress), `quote` (asks for a
 *   price), `information` (asks a question), `order` (places, confirms,
 *   changes or cancels an order, or accepts a quote), `other` (thanks,
 *   assistance after an accident…);
 * - sentiment: the customer's tone; a polite request is neutral, thanks and
 *   enthusiasm positive, anger, disappointment or distress negative;
 * - urgent: a person triaging the inbox would answer it first (safety, a
 *   service down now, a legal threat, a deadline within a day or two).
 *
 * Three sets, told apart by `set` in labels.json:
 * - tuning (48 mails, no `set`): written first; the analyzer was developed
 *   and adjusted against them, so their figures are optimistic;
 * - holdout-1 (12): written after a first freeze and measured once (intent
 *   66.7 %, sentiment 75.0 %, urgent 91.7 %); its misses then led to a
 *   second round of general changes (vocabulary of billing disputes, fear,
 *   loss of heating; a cue counts once per mail), so it is no longer blind;
 * - holdout-2 (12): written after the second freeze and never used to change
 *   the analyzer: the honest estimate on unseen mail (small, so rough).
 *
 * Urgent detection: urgent ⇔ priorityBoost ≥ URGENT_BOOST (one urgency
 * keyword such as "urgent" or "accident", or a legal threat, or a lesser
 * keyword together with negative sentiment).
 */
const URGENT_BOOST = 20;

/**
 * Floors: the accuracy measured on all 72 mails when this test was written,
 * rounded down to 5 %. Measured: language 100 %, intent 86.1 %, sentiment
 * 93.1 %, urgent 95.8 % (tuning 100 / 93.8 / 95.8 / 95.8; holdout-1 100 /
 * 66.7 / 91.7 / 100; holdout-2 100 / 75.0 / 83.3 / 91.7).
 */
const FLOORS = { language: 1.0, intent: 0.85, sentiment: 0.9, urgent: 0.95 } as const;

const FIXTURES = join(__dirname, 'fixtures', 'emails', 'analysis');

interface Label {
  language: 'fr' | 'en';
  intent: EmailIntent;
  sentiment: EmailSentiment;
  urgent: boolean;
  /** Absent: the tuning set. See the comment at the top for the two held-out sets. */
  set?: 'holdout-1' | 'holdout-2';
}

type Dimension = keyof typeof FLOORS;
const DIMENSIONS: Dimension[] = ['language', 'intent', 'sentiment', 'urgent'];

interface Outcome {
  file: string;
  label: Label;
  analysis: EmailAnalysis;
  predicted: Record<Dimension, string>;
  expected: Record<Dimension, string>;
}

/** What ingestion hands to the analyzer: header names lower-cased, first occurrence, unfolded. */
function toInput(mail: ParsedMail): EmailAnalysisInput {
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (headers[key] !== undefined) continue;
    headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return {
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    fromAddress: mail.from?.value[0]?.address?.toLowerCase() ?? null,
    headers,
  };
}

function accuracy(outcomes: Outcome[], dimension: Dimension): number {
  if (outcomes.length === 0) return 0;
  return outcomes.filter((o) => o.predicted[dimension] === o.expected[dimension]).length / outcomes.length;
}

const pct = (value: number) => `${(100 * value).toFixed(1).padStart(5)} %`;

function confusion(outcomes: Outcome[], dimension: Dimension, classes: readonly string[]): string {
  const width = Math.max(...classes.map((c) => c.length), 8) + 1;
  const rows = [`${'label \\ got'.padEnd(width)}${classes.map((c) => c.padStart(width)).join('')}`];
  for (const expected of classes) {
    const cells = classes.map((got) =>
      String(outcomes.filter((o) => o.expected[dimension] === expected && o.predicted[dimension] === got).length).padStart(width),
    );
    rows.push(`${expected.padEnd(width)}${cells.join('')}`);
  }
  return rows.join('\n');
}

function report(outcomes: Outcome[]): string {
  const sets: [string, Outcome[]][] = [
    ['all', outcomes],
    ['tuning', outcomes.filter((o) => !o.label.set)],
    ['holdout-1', outcomes.filter((o) => o.label.set === 'holdout-1')],
    ['holdout-2', outcomes.filter((o) => o.label.set === 'holdout-2')],
    ['French', outcomes.filter((o) => o.label.language === 'fr')],
    ['English', outcomes.filter((o) => o.label.language === 'en')],
  ];
  const lines = [`Email analysis accuracy (${outcomes.length} mails, urgent ⇔ priorityBoost ≥ ${URGENT_BOOST})`, ''];
  lines.push(`${'set'.padEnd(12)}${'n'.padStart(4)}${DIMENSIONS.map((d) => d.padStart(11)).join('')}`);
  for (const [name, subset] of sets) {
    lines.push(`${name.padEnd(12)}${String(subset.length).padStart(4)}${DIMENSIONS.map((d) => pct(accuracy(subset, d)).padStart(11)).join('')}`);
  }
  lines.push(`${'floor'.padEnd(16)}${DIMENSIONS.map((d) => pct(FLOORS[d]).padStart(11)).join('')}`, '');
  lines.push('Intent (rows: label, columns: analyzer)', confusion(outcomes, 'intent', ['complaint', 'quote', 'information', 'order', 'other']), '');
  lines.push('Sentiment', confusion(outcomes, 'sentiment', ['negative', 'neutral', 'positive']), '');
  lines.push('Urgent', confusion(outcomes, 'urgent', ['true', 'false']), '');
  lines.push('Misses:');
  for (const o of outcomes) {
    const wrong = DIMENSIONS.filter((d) => o.predicted[d] !== o.expected[d]);
    if (wrong.length === 0) continue;
    const what = wrong.map((d) => `${d} ${o.predicted[d]} (label ${o.expected[d]})`).join(', ');
    lines.push(`  ${o.file}${o.label.set ? ` [${o.label.set}]` : ''}: ${what}; boost ${o.analysis.priorityBoost} [${o.analysis.priorityReasons.join(', ')}]`);
  }
  return lines.join('\n');
}

describe('email analysis accuracy on labelled French and English mails', () => {
  let outcomes: Outcome[];

  beforeAll(async () => {
    const labels = JSON.parse(await fs.readFile(join(FIXTURES, 'labels.json'), 'utf8')) as Record<string, Label>;
    const files = (await fs.readdir(FIXTURES)).filter((file) => file.endsWith('.eml')).sort();
    expect(Object.keys(labels).sort()).toEqual(files);
    outcomes = [];
    for (const file of files) {
      const mail = await simpleParser(await fs.readFile(join(FIXTURES, file)));
      const analysis = analyzeEmail(toInput(mail), DEFAULT_PRIORITY_RULES);
      const label = labels[file];
      outcomes.push({
        file,
        label,
        analysis,
        predicted: {
          language: analysis.language,
          intent: analysis.intent,
          sentiment: analysis.sentiment,
          urgent: String(analysis.priorityBoost >= URGENT_BOOST),
        },
        expected: { language: label.language, intent: label.intent, sentiment: label.sentiment, urgent: String(label.urgent) },
      });
    }
    console.log(report(outcomes));
  });

  it('covers at least 48 mails, about half in each language, every intent and sentiment', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(48);
    const french = outcomes.filter((o) => o.label.language === 'fr').length;
    expect(Math.abs(2 * french - outcomes.length)).toBeLessThanOrEqual(outcomes.length / 5);
    for (const intent of ['complaint', 'quote', 'information', 'order', 'other']) {
      expect(outcomes.some((o) => o.label.intent === intent)).toBe(true);
    }
    for (const sentiment of ['negative', 'neutral', 'positive']) {
      expect(outcomes.some((o) => o.label.sentiment === sentiment)).toBe(true);
    }
    expect(outcomes.filter((o) => o.label.urgent).length).toBeGreaterThanOrEqual(6);
  });

  it.each(DIMENSIONS)('%s accuracy stays at or above its floor', (dimension) => {
    expect(accuracy(outcomes, dimension)).toBeGreaterThanOrEqual(FLOORS[dimension]);
  });

  it('never boosts a mail past the cap, and explains every boost', () => {
    for (const { analysis, file } of outcomes) {
      expect({ file, boost: Math.abs(analysis.priorityBoost) <= 60 }).toEqual({ file, boost: true });
      if (analysis.priorityBoost !== 0) expect({ file, reasons: analysis.priorityReasons.length > 0 }).toEqual({ file, reasons: true });
    }
  });
});
