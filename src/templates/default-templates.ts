import { TemplateLanguage } from './template.entity';

export interface DefaultTemplate {
  /** Stable key for code that needs one of them (e.g. the acknowledgement mail). */
  key: 'acknowledgement' | 'information';
  name: string;
  language: TemplateLanguage;
  subject: string | null;
  body: string;
}

/** `acknowledgement-fr`: the name the email channel looks up for its acknowledgement mail. */
export function defaultTemplateName(key: DefaultTemplate['key'], language: TemplateLanguage): string {
  return `${key}-${language}`;
}

/**
 * Templates a fresh deployment starts with, in French and English, named
 * `<key>-<language>` (the email channel sends `acknowledgement-<language>`
 * when it exists, and the built-in text below otherwise — see
 * TemplatesService.renderBuiltIn and EmailAcknowledger). Seeded at boot only
 * into an empty `templates` table: once supervisors have edited, renamed or
 * deleted them, a restart does not bring them back.
 */
export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    key: 'acknowledgement',
    name: 'acknowledgement-fr',
    language: 'fr',
    subject: 'Nous avons bien reçu votre demande [#{{ticket.ref}}]',
    body: [
      'Bonjour{{#if customer.name}} {{customer.name}}{{/if}},',
      '',
      'Nous avons bien reçu votre message{{#if conversation.subject}} « {{conversation.subject}} »{{/if}} et l’avons enregistré sous la référence {{ticket.ref}}.',
      '{{#if eta.text}}Un conseiller vous répondra {{eta.text}}.{{else}}Un conseiller vous répondra dans les meilleurs délais.{{/if}}',
      '',
      'Pour compléter votre demande, répondez simplement à ce message en conservant la référence [#{{ticket.ref}}] dans l’objet.',
      '',
      'Cordialement,',
      'Le service client',
    ].join('\n'),
  },
  {
    key: 'acknowledgement',
    name: 'acknowledgement-en',
    language: 'en',
    subject: 'We have received your request [#{{ticket.ref}}]',
    body: [
      'Hello{{#if customer.name}} {{customer.name}}{{/if}},',
      '',
      'Thank you for your message{{#if conversation.subject}} "{{conversation.subject}}"{{/if}}. It has been registered under the reference {{ticket.ref}}.',
      '{{#if eta.text}}One of our advisors will answer {{eta.text}}.{{else}}One of our advisors will answer as soon as possible.{{/if}}',
      '',
      'To add anything to your request, simply reply to this message, keeping [#{{ticket.ref}}] in the subject.',
      '',
      'Kind regards,',
      'Customer service',
    ].join('\n'),
  },
  {
    key: 'information',
    name: 'information-fr',
    language: 'fr',
    subject: null,
    body: [
      'Bonjour{{#if customer.firstName}} {{customer.firstName}}{{/if}},',
      '',
      'Merci pour votre demande d’information (référence {{ticket.ref}}).',
      '',
      'Vous trouverez ci-dessous les éléments qui répondent à votre question.',
      '',
      'Si un point reste à préciser, répondez simplement à ce message en conservant la référence [#{{ticket.ref}}] dans l’objet : votre demande nous reviendra directement.',
      '',
      'Cordialement,',
      '{{#if agent.name}}{{agent.name}}',
      '{{/if}}Le service client',
    ].join('\n'),
  },
  {
    key: 'information',
    name: 'information-en',
    language: 'en',
    subject: null,
    body: [
      'Hello{{#if customer.firstName}} {{customer.firstName}}{{/if}},',
      '',
      'Thank you for your enquiry (reference {{ticket.ref}}).',
      '',
      'Please find below the information you asked for.',
      '',
      'If anything is still unclear, simply reply to this message, keeping [#{{ticket.ref}}] in the subject, and it will come straight back to us.',
      '',
      'Kind regards,',
      '{{#if agent.name}}{{agent.name}}',
      '{{/if}}Customer service',
    ].join('\n'),
  },
];
