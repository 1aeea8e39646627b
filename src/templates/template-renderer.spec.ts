import { buildMergeContext, describeEta } from './merge-context';
import { analyseTemplateSource, assertValidTemplate, RenderableTemplate, replySubject, TemplateRenderer } from './template-renderer';
import { TemplateException, TemplateExceptionCode } from './template.exception';
import { DEFAULT_TEMPLATES, defaultTemplateName } from './default-templates';

const template = (body: string, subject: string | null = null, updatedAt = new Date('2030-01-01T00:00:00Z')): RenderableTemplate => ({
  id: 'tpl-1',
  updatedAt,
  subject,
  body,
});

function rejection(sources: { subject: string | null; body: string }): TemplateException {
  try {
    assertValidTemplate(sources);
  } catch (error) {
    if (error instanceof TemplateException) return error;
    throw error;
  }
  throw new Error('expected the template to be rejected');
}

describe('template renderer', () => {
  const renderer = new TemplateRenderer();

  it('renders every merge field of the context', () => {
    const context = buildMergeContext({
      customer: { name: 'Jeanne Martin', email: 'jeanne@example.com' },
      conversation: { ref: 'K7F-2Q9', subject: 'Demande de devis' },
      agent: { name: 'Paul Durand', email: 'paul@acd.local' },
      mailboxAddress: 'contact@example.com',
      etaHours: 3.2,
      language: 'fr',
    });
    const rendered = renderer.renderTemplate(
      template(
        'Bonjour {{customer.firstName}} ({{customer.name}}, {{customer.email}}),\n' +
          'Réf. {{ticket.ref}} / {{conversation.ref}} : {{ticket.subject}} / {{conversation.subject}}\n' +
          'Réponse {{eta.text}} ({{eta.hours}} h) — {{agent.name}} <{{agent.email}}> via {{mailbox.address}}',
        'Votre demande [#{{ticket.ref}}]',
      ),
      context,
    );
    expect(rendered.subject).toBe('Votre demande [#K7F-2Q9]');
    expect(rendered.text).toBe(
      'Bonjour Jeanne (Jeanne Martin, jeanne@example.com),\n' +
        'Réf. K7F-2Q9 / K7F-2Q9 : Demande de devis / Demande de devis\n' +
        'Réponse sous 4 heures (4 h) — Paul Durand <paul@acd.local> via contact@example.com',
    );
    expect(rendered.missingFields).toEqual([]);
  });

  it('renders a missing value as empty and lists it; if/unless blocks test a field', () => {
    const rendered = renderer.renderTemplate(
      template('Hello{{#if customer.name}} {{customer.name}}{{/if}},{{#unless agent.name}} (automatic){{else}} {{agent.name}}{{/unless}} ref {{ticket.ref}}.'),
      { ticket: { ref: 'ABC-234' } },
    );
    expect(rendered.text).toBe('Hello, (automatic) ref ABC-234.');
    expect(rendered.missingFields).toEqual(['customer.name', 'agent.name', 'conversation.subject', 'conversation.ref']);
  });

  it('does not HTML-escape the text part, but escapes the HTML part (values and words) with newlines as <br>', () => {
    const rendered = renderer.renderTemplate(template('Dear {{customer.name}},\nPrices < 100 € & "more"'), {
      customer: { name: `O'Brien & <Sons>` },
    });
    expect(rendered.text).toBe(`Dear O'Brien & <Sons>,\nPrices < 100 € & "more"`);
    expect(rendered.html).toBe('Dear O&#x27;Brien &amp; &lt;Sons&gt;,<br>\nPrices &lt; 100 € &amp; &quot;more&quot;');
    expect(rendered.html).not.toContain('<Sons>');
    expect(renderer.renderHtml(template('{{customer.name}}'), { customer: { name: '<script>alert(1)</script>' } })).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
  });

  it('uses "Re: <conversation subject>" when the template has no subject, and keeps subjects on one line', () => {
    expect(renderer.renderTemplate(template('x'), { conversation: { subject: 'Order 42' } }).subject).toBe('Re: Order 42');
    expect(renderer.renderTemplate(template('x'), { conversation: { subject: 'RE: Order 42' } }).subject).toBe('RE: Order 42');
    // The reference token is added when known (threading falls back on it), once.
    expect(renderer.renderTemplate(template('x'), { conversation: { subject: 'Order 42', ref: 'K7F-2Q9' } }).subject).toBe('Re: Order 42 [#K7F-2Q9]');
    expect(replySubject('Re: Order 42 [#K7F-2Q9]', 'K7F-2Q9')).toBe('Re: Order 42 [#K7F-2Q9]');
    expect(renderer.renderTemplate(template('x', 'About {{customer.name}}'), { customer: { name: 'Evil\r\nBcc: x@y' } }).subject).toBe(
      'About Evil Bcc: x@y',
    );
    expect(replySubject('')).toBe('Re:');
  });

  it('rejects an unknown merge field, naming it (with a suggestion)', () => {
    const error = rejection({ subject: null, body: 'Hello {{customer.nmae}}, your ref is {{ticket.ref}}' });
    expect(error.code).toBe(TemplateExceptionCode.UNKNOWN_FIELD);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('{{customer.nmae}}');
    expect(error.message).toContain('did you mean {{customer.name}}');

    expect(rejection({ subject: 'Re {{ticket.number}}', body: 'ok' }).message).toMatch(/ticket\.number.*subject/);
    expect(rejection({ subject: null, body: '{{#if customer.vip}}VIP{{/if}}' }).code).toBe(TemplateExceptionCode.UNKNOWN_FIELD);
    expect(rejection({ subject: null, body: '{{customer}}' }).code).toBe(TemplateExceptionCode.UNKNOWN_FIELD);
    expect(rejection({ subject: null, body: '{{@root.customer.name}}' }).code).toBe(TemplateExceptionCode.UNKNOWN_FIELD);
  });

  it('rejects bad syntax and constructs outside the template language', () => {
    expect(rejection({ subject: null, body: 'Hello {{customer.name' }).code).toBe(TemplateExceptionCode.INVALID_SYNTAX);
    expect(rejection({ subject: null, body: '{{#if customer.name}}unclosed' }).code).toBe(TemplateExceptionCode.INVALID_SYNTAX);
    for (const body of ['{{#each customer}}x{{/each}}', '{{#with customer}}{{name}}{{/with}}', '{{> footer}}', '{{lookup customer "name"}}', '{{customer.name foo=1}}']) {
      expect(rejection({ subject: null, body }).code).toBe(TemplateExceptionCode.INVALID_SYNTAX);
    }
  });

  it('lists the fields a source uses', () => {
    expect(analyseTemplateSource('{{customer.name}} {{#if eta.text}}{{eta.text}}{{else}}{{ticket.ref}}{{/if}} {{customer.name}}', 'body')).toEqual({
      fields: ['customer.name', 'eta.text', 'ticket.ref'],
      unknown: [],
      unsupported: [],
    });
  });

  it('recompiles when the template changes (new updatedAt)', () => {
    const cached = new TemplateRenderer();
    expect(cached.renderText(template('one {{ticket.ref}}', null, new Date(1)), { ticket: { ref: 'R' } })).toBe('one R');
    expect(cached.renderText(template('two {{ticket.ref}}', null, new Date(2)), { ticket: { ref: 'R' } })).toBe('two R');
    expect(cached.renderText(template('three', null, new Date(2)))).toBe('three');
  });

  it('ignores values passed outside the merge fields (no objects or prototype tricks reach the template)', () => {
    const context = JSON.parse('{"customer":{"name":"A","__proto__":{"polluted":"yes"}},"extra":{"x":"y"}}');
    expect(renderer.renderText(template('{{customer.name}}'), context)).toBe('A');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ships default templates that pass the save-time check', () => {
    expect(DEFAULT_TEMPLATES.length).toBe(4);
    for (const seed of DEFAULT_TEMPLATES) {
      expect(() => assertValidTemplate(seed)).not.toThrow();
      expect(seed.name).toBe(defaultTemplateName(seed.key, seed.language));
    }
  });

  it('describes the expected answer time in words', () => {
    expect(describeEta(0.5, 'en')).toEqual({ text: 'within the hour', hours: '1' });
    expect(describeEta(3.2, 'fr')).toEqual({ text: 'sous 4 heures', hours: '4' });
    expect(describeEta(72, 'en')).toEqual({ text: 'within 3 days', hours: '72' });
    expect(describeEta(null, 'en')).toEqual({ text: '', hours: '' });
  });
});
