import { parseEmail } from './email-parser';
import { judgeSender, SenderVerdict } from './loop-defence';

/** A raw RFC 5322 message: the given headers (a From unless one is given), a blank line, a body. */
function raw(headers: Record<string, string>, body = 'Hello, I have a question about my order.'): Buffer {
  const all: Record<string, string> = {
    From: '"Jeanne Martin" <jeanne.martin@example.com>',
    To: 'support@acd.example',
    Subject: 'Question about my order',
    'Message-ID': `<${Math.random().toString(36).slice(2)}@example.com>`,
    Date: 'Mon, 6 Jan 2025 10:00:00 +0100',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}`);
  return Buffer.from([...lines, '', body, ''].join('\r\n'), 'utf8');
}

async function verdictOf(message: Buffer): Promise<SenderVerdict> {
  const parsed = await parseEmail(message);
  if (!parsed.ok) throw new Error(`expected a parseable mail, got quarantine: ${parsed.reason}`);
  return judgeSender(parsed.email);
}

describe('judgeSender (loop and junk defence)', () => {
  it('identifies the customer by From, not by a Reply-To anyone can set', async () => {
    const verdict = await verdictOf(raw({ From: '<stranger@example.net>', 'Reply-To': '<victim@example.com>' }));
    expect(verdict).toMatchObject({ customerAddress: 'stranger@example.net', replyAddress: 'victim@example.com' });
  });

  it('answers a person at their From address', async () => {
    const verdict = await verdictOf(raw({}));
    expect(verdict).toEqual({ automatic: null, noReply: false, replyAddress: 'jeanne.martin@example.com', customerAddress: 'jeanne.martin@example.com' });
  });

  describe('Auto-Submitted', () => {
    it.each(['auto-replied', 'auto-generated', 'auto-notified', 'Auto-Replied', 'auto-replied; owner-email="x@example.com"'])(
      'treats "%s" as machine mail: no answer address',
      async (value) => {
        const verdict = await verdictOf(raw({ 'Auto-Submitted': value }));
        expect(verdict.automatic).toMatch(/Auto-Submitted/);
        expect(verdict.replyAddress).toBeNull();
      },
    );

    it('treats "no" as written by a person', async () => {
      const verdict = await verdictOf(raw({ 'Auto-Submitted': 'no' }));
      expect(verdict.automatic).toBeNull();
      expect(verdict.replyAddress).toBe('jeanne.martin@example.com');
    });
  });

  describe('Precedence', () => {
    it.each(['bulk', 'list', 'junk', 'auto_reply', 'BULK'])('treats Precedence: %s as machine mail', async (value) => {
      const verdict = await verdictOf(raw({ Precedence: value }));
      expect(verdict.automatic).toMatch(/Precedence/);
      expect(verdict.replyAddress).toBeNull();
    });

    it('answers Precedence: first-class (not a bulk marker)', async () => {
      expect((await verdictOf(raw({ Precedence: 'first-class' }))).automatic).toBeNull();
    });
  });

  it('treats X-Autoreply as an auto-reply', async () => {
    const verdict = await verdictOf(raw({ 'X-Autoreply': 'yes', Subject: 'Out of office' }));
    expect(verdict.automatic).not.toBeNull();
    expect(verdict.replyAddress).toBeNull();
  });

  it('treats X-Autorespond as an auto-reply', async () => {
    expect((await verdictOf(raw({ 'X-Autorespond': 'Vacation' }))).automatic).not.toBeNull();
  });

  it('treats a multipart/report (bounce, read receipt) as machine mail', async () => {
    const body = [
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Delivery to the following recipient failed permanently: someone@example.org',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      'Final-Recipient: rfc822; someone@example.org',
      'Action: failed',
      'Status: 5.1.1',
      '--b1--',
    ].join('\r\n');
    const verdict = await verdictOf(
      raw({ From: 'Mail Delivery System <mailer@example.com>', 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b1"' }, body),
    );
    expect(verdict.automatic).toMatch(/multipart\/report/);
    expect(verdict.replyAddress).toBeNull();
  });

  it('treats an empty Return-Path (the null sender) as a bounce', async () => {
    const verdict = await verdictOf(raw({ 'Return-Path': '<>' }));
    expect(verdict.automatic).toMatch(/Return-Path/);
    expect(verdict.replyAddress).toBeNull();
  });

  it('answers a mail whose Return-Path is a real address', async () => {
    expect((await verdictOf(raw({ 'Return-Path': '<jeanne.martin@example.com>' }))).automatic).toBeNull();
  });

  it.each(['MAILER-DAEMON@mx.example.com', 'postmaster@example.com', 'Mailer-Daemon@example.com'])('treats mail from %s as a daemon', async (address) => {
    const verdict = await verdictOf(raw({ From: `<${address}>` }));
    expect(verdict.automatic).toMatch(/daemon/);
    expect(verdict.replyAddress).toBeNull();
  });

  // mailparser folds every List-* header into one structured `list` header.
  it('treats a mailing-list mail (List-Id only) as machine mail', async () => {
    const verdict = await verdictOf(raw({ 'List-Id': 'Customers <customers.lists.example.com>' }));
    expect(verdict.automatic).toMatch(/list/i);
    expect(verdict.replyAddress).toBeNull();
  });

  it('treats a newsletter (List-Unsubscribe only) as machine mail', async () => {
    const verdict = await verdictOf(raw({ 'List-Unsubscribe': '<mailto:unsubscribe@news.example.com>' }));
    expect(verdict.automatic).toMatch(/list/i);
    expect(verdict.replyAddress).toBeNull();
  });

  describe('no-reply senders', () => {
    it.each(['no-reply@shop.example', 'noreply@shop.example', 'do-not-reply@shop.example', 'ne-pas-repondre@banque.example', 'no_reply+orders@shop.example'])(
      'reads mail from %s (a task) but acknowledges nothing when there is no Reply-To',
      async (address) => {
        const verdict = await verdictOf(raw({ From: `<${address}>` }));
        expect(verdict.automatic).toBeNull();
        expect(verdict.noReply).toBe(true);
        // Nobody to answer: an agent's reply is refused with a clear 400 instead of bouncing.
        expect(verdict.replyAddress).toBeNull();
      },
    );

    it('answers a no-reply sender that gives a Reply-To, at the Reply-To', async () => {
      const verdict = await verdictOf(raw({ From: '<noreply@shop.example>', 'Reply-To': '<orders@shop.example>' }));
      expect(verdict).toEqual({ automatic: null, noReply: false, replyAddress: 'orders@shop.example', customerAddress: 'orders@shop.example' });
    });

    it('answers a web form that sends from no-reply@ at the visitor in Reply-To', async () => {
      const verdict = await verdictOf(
        raw(
          {
            From: '"Site contact form" <no-reply@www.acd.example>',
            'Reply-To': '"Paul Durand" <Paul.Durand@Visitor.example>',
            Subject: 'Contact form: quote request',
          },
          'Name: Paul Durand\r\nEmail: Paul.Durand@Visitor.example\r\nMessage: I would like a quote.',
        ),
      );
      expect(verdict.automatic).toBeNull();
      expect(verdict.noReply).toBe(false);
      expect(verdict.replyAddress).toBe('paul.durand@visitor.example');
    });

    it('does not mistake an address merely containing "noreply" for a no-reply sender', async () => {
      expect((await verdictOf(raw({ From: '<jean.noreplyson@example.com>' }))).noReply).toBe(false);
    });
  });

  it('recognises our own automatic mail (Auto-Submitted: auto-replied + Precedence: auto_reply) so two ACDs never ping-pong', async () => {
    const verdict = await verdictOf(
      raw({ From: '<support@other-acd.example>', 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' }),
    );
    expect(verdict.automatic).not.toBeNull();
    expect(verdict.replyAddress).toBeNull();
  });
});
