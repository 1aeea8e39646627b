import { Logger } from '@nestjs/common';
import { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { MessageEntity } from '../../conversations/message.entity';
import { TemplateRenderer } from '../../templates/template-renderer';
import { TemplateEntity } from '../../templates/template.entity';
import { TemplatesService } from '../../templates/templates.service';
import { AnswerEtaService } from './answer-eta.service';
import { EmailAcknowledger } from './email-acknowledger.service';
import { MailboxEntity } from './mailbox.entity';
import { NewOutboundMail, OutboxService } from './outbox.service';

/**
 * The acknowledgement when its template is gone: the real TemplatesService and
 * renderer over a templates table that holds nothing (a repository answering
 * no row), the outbox and ETA replaced by recorders.
 */
describe('EmailAcknowledger without its template', () => {
  const sent: NewOutboundMail[] = [];
  const outbox = { enqueueAutomatic: async (mail: NewOutboundMail) => (sent.push(mail), { id: `out-${sent.length}` }) } as unknown as OutboxService;
  const eta = { estimateSeconds: async () => 7 * 3600 + 60 } as unknown as AnswerEtaService;
  const emptyTable = { findOne: async () => null, findOneBy: async () => null } as unknown as Repository<TemplateEntity>;
  const templates = new TemplatesService(emptyTable, new TemplateRenderer());
  const acknowledger = new EmailAcknowledger({ emailAutoMailsPerDay: 3 } as AppConfig, outbox, eta, templates);
  const mailbox = { id: 'mbx', address: 'support@acd.test', queueId: 'q' } as MailboxEntity;
  const conversation = { id: 'conv', ref: 'K7F-2Q9', subject: 'Where is my parcel?' } as ConversationEntity;
  const message = (id: string, language: 'en' | 'fr') =>
    ({ id, messageId: `${id}@client.example`, references: [], meta: { replyAddress: 'jeanne@client.example', analysis: { language } } }) as unknown as MessageEntity;

  afterEach(() => jest.restoreAllMocks());

  it('sends the built-in text with the reference and the answer time, and warns once per language', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const customer = { name: 'Jeanne Martin' } as never;

    expect(await acknowledger.acknowledge({ mailbox, message: message('m1', 'en'), conversation, customer })).toBe(true);
    expect(await acknowledger.acknowledge({ mailbox, message: message('m2', 'en'), conversation, customer })).toBe(true);
    expect(await acknowledger.acknowledge({ mailbox, message: message('m3', 'fr'), conversation, customer })).toBe(true);

    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ kind: 'acknowledgement', idempotencyKey: 'ack:m1', templateId: null, to: 'jeanne@client.example', inReplyTo: 'm1@client.example' });
    expect(sent[0].subject).toBe('We have received your request [#K7F-2Q9]');
    expect(sent[0].text).toContain('Hello Jeanne Martin,');
    expect(sent[0].text).toContain('registered under the reference K7F-2Q9');
    // 7 h 01 min, rounded up.
    expect(sent[0].text).toContain('One of our advisors will answer within 8 hours.');
    expect(sent[2].subject).toBe('Nous avons bien reçu votre demande [#K7F-2Q9]');
    expect(sent[2].text).toContain('Un conseiller vous répondra sous 8 heures.');

    const warnings = warn.mock.calls.map(([text]) => String(text));
    expect(warnings.filter((text) => text.includes('"acknowledgement-en"'))).toHaveLength(1);
    expect(warnings.filter((text) => text.includes('"acknowledgement-fr"'))).toHaveLength(1);
  });
});
