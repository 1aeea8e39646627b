import { EMAIL_LIMITS } from './email-limits';
import { parseEmail, ParseResult } from './email-parser';
import { ParsedEmail } from './parsed-email';

const CRLF = '\r\n';

function message(lines: string[]): Buffer {
  return Buffer.from(lines.join(CRLF), 'utf8');
}

async function parsed(raw: Buffer): Promise<ParsedEmail> {
  const result = await parseEmail(raw);
  if (!result.ok) throw new Error(`expected a parsed mail, got quarantine: ${result.reason}`);
  return result.email;
}

async function quarantineReason(raw: Buffer): Promise<string> {
  const result: ParseResult = await parseEmail(raw);
  if (result.ok) throw new Error('expected quarantine, the mail was parsed');
  return result.reason;
}

describe('parseEmail', () => {
  describe('threading and address headers', () => {
    const raw = message([
      'From: "Jeanne Martin" <Jeanne.Martin@Example.COM>',
      'Reply-To: "Jeanne (work)" <J.Martin@Work.Example>',
      'To: Support <support@acd.example>, sales@acd.example',
      'Cc: boss@example.com',
      'Subject:   Re: My order [#K7F-2Q9]  ',
      'Message-ID: <CAF=abc123@mail.example.com>',
      'In-Reply-To: <ack-1@acd.example>',
      'References: <first@example.com>\r\n <ack-1@acd.example>',
      'Date: Mon, 6 Jan 2025 10:00:00 +0100',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Thanks!',
      '',
    ]);

    it('strips the angle brackets of Message-ID, In-Reply-To and References (oldest first)', async () => {
      const email = await parsed(raw);
      expect(email.messageId).toBe('CAF=abc123@mail.example.com');
      expect(email.inReplyTo).toBe('ack-1@acd.example');
      expect(email.references).toEqual(['first@example.com', 'ack-1@acd.example']);
    });

    it('lower-cases the sender, keeps its name, and reads Reply-To, To and Cc', async () => {
      const email = await parsed(raw);
      expect(email.fromAddress).toBe('jeanne.martin@example.com');
      expect(email.fromName).toBe('Jeanne Martin');
      expect(email.replyTo).toBe('j.martin@work.example');
      expect(email.to).toEqual(['support@acd.example', 'sales@acd.example']);
      expect(email.cc).toEqual(['boss@example.com']);
    });

    it('trims the subject and keeps the reference token', async () => {
      expect((await parsed(raw)).subject).toBe('Re: My order [#K7F-2Q9]');
    });

    it('leaves threading fields empty for a mail without them', async () => {
      const email = await parsed(message(['From: a@example.com', 'Subject: hi', '', 'body', '']));
      expect(email.messageId).toBeNull();
      expect(email.inReplyTo).toBeNull();
      expect(email.references).toEqual([]);
      expect(email.replyTo).toBeNull();
    });
  });

  describe('HTML sanitizing', () => {
    const html = [
      '<p onclick="steal()">Hello <b>agent</b></p>',
      '<script>alert(document.cookie)</script>',
      '<iframe src="https://evil.example/frame"></iframe>',
      '<img src="https://tracker.example/pixel.gif" onerror="steal()" alt="pixel">',
      '<img src="cid:logo@example.com" alt="logo">',
      '<a href="https://shop.example/order/42">your order</a>',
      '<a href="javascript:steal()">click</a>',
      '<form action="https://evil.example/post"><input name="password"></form>',
    ].join('\n');
    const raw = message(['From: a@example.com', 'Subject: html', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', html, '']);

    it('removes scripts, event handlers, frames, forms and javascript: links', async () => {
      const email = await parsed(raw);
      expect(email.html).not.toBeNull();
      const out = email.html as string;
      expect(out).toContain('<b>agent</b>');
      expect(out).not.toMatch(/<script/i);
      expect(out).not.toMatch(/alert\(/);
      expect(out).not.toMatch(/\son\w+\s*=/i);
      expect(out).not.toMatch(/<iframe/i);
      expect(out).not.toMatch(/<form|<input/i);
      expect(out).not.toMatch(/javascript:/i);
    });

    it('drops remote images (tracking pixels) but keeps inline cid: images', async () => {
      const out = (await parsed(raw)).html as string;
      expect(out).not.toContain('tracker.example');
      expect(out).toContain('src="cid:logo@example.com"');
    });

    it('opens links in a new tab without an opener', async () => {
      const out = (await parsed(raw)).html as string;
      const link = /<a [^>]*href="https:\/\/shop\.example\/order\/42"[^>]*>/.exec(out)?.[0] ?? '';
      expect(link).toMatch(/rel="[^"]*noopener[^"]*"/);
      expect(link).toMatch(/target="_blank"/);
    });

    it('loads no remote resource through inline CSS either', async () => {
      const out = (
        await parsed(
          message([
            'From: a@example.com',
            'Subject: css',
            'Content-Type: text/html; charset=utf-8',
            '',
            '<div style="background-image:url(https://tracker.example/css.gif)">hi</div>',
            '',
          ]),
        )
      ).html as string;
      expect(out).not.toContain('tracker.example');
    });

    it('gives the plain text of an HTML-only mail', async () => {
      expect((await parsed(raw)).text).toContain('Hello agent');
    });
  });

  it('decodes a quoted-printable UTF-8 French mail, accents included', async () => {
    const email = await parsed(
      message([
        'From: =?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <renee@example.fr>',
        'Subject: =?UTF-8?Q?R=C3=A9clamation_:_colis_endommag=C3=A9?=',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Bonjour,',
        '',
        "Le colis re=C3=A7u hier =C3=A9tait ab=C3=AEm=C3=A9 ; j'esp=C3=A8re une r=C3=A9ponse =",
        'rapide. =C3=80 bient=C3=B4t, No=C3=ABl',
        '',
      ]),
    );
    expect(email.fromName).toBe('Renée Lefèvre');
    expect(email.subject).toBe('Réclamation : colis endommagé');
    expect(email.text).toContain("Le colis reçu hier était abîmé ; j'espère une réponse rapide.");
    expect(email.text).toContain('À bientôt, Noël');
  });

  describe('quarantine', () => {
    it('rejects a mail without a From address', async () => {
      expect(await quarantineReason(message(['To: support@acd.example', 'Subject: who am I', '', 'body', '']))).toMatch(/From/);
    });

    it('rejects a From that is not an address', async () => {
      expect(await quarantineReason(message(['From: Jeanne Martin', 'Subject: hi', '', 'body', '']))).toMatch(/From/);
    });

    it('rejects a charset nothing can decode', async () => {
      const reason = await quarantineReason(message(['From: a@example.com', 'Subject: hi', 'Content-Type: text/plain; charset=x-klingon-42', '', 'qapla', '']));
      expect(reason).toMatch(/charset/);
      expect(reason).toContain('x-klingon-42');
    });

    it('accepts the usual charsets (iso-8859-1, windows-1252, us-ascii)', async () => {
      for (const charset of ['iso-8859-1', 'windows-1252', 'us-ascii']) {
        const result = await parseEmail(message(['From: a@example.com', 'Subject: hi', `Content-Type: text/plain; charset=${charset}`, '', 'hello', '']));
        expect(result.ok).toBe(true);
      }
    });

    it('rejects a multipart mail without a boundary parameter', async () => {
      const reason = await quarantineReason(message(['From: a@example.com', 'Subject: hi', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed', '', 'some body', '']));
      expect(reason).toMatch(/boundary/);
    });

    it('rejects a multipart mail whose boundary never appears', async () => {
      const reason = await quarantineReason(
        message(['From: a@example.com', 'Subject: hi', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="zzz-never"', '', 'some body', '']),
      );
      expect(reason).toMatch(/boundary/);
    });

    it('rejects header-less garbage', async () => {
      expect(await quarantineReason(Buffer.from('this is not an email at all\njust some words\n', 'utf8'))).toMatch(/header|From/);
      expect(await quarantineReason(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x20, 0x41]))).toMatch(/header|From/);
    });

    it('rejects a mail larger than the limit without parsing it', async () => {
      const head = 'From: a@example.com\r\nSubject: big\r\n\r\n';
      const big = Buffer.alloc(EMAIL_LIMITS.maxMessageBytes + 1, 0x41);
      big.write(head, 0, 'utf8');
      expect(await quarantineReason(big)).toMatch(/too large/);
    });
  });

  it('keeps attachments with their name, type and size', async () => {
    const email = await parsed(
      message([
        'From: a@example.com',
        'Subject: with a file',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'see attached',
        '--b1',
        'Content-Type: application/pdf; name="devis.pdf"',
        'Content-Disposition: attachment; filename="devis.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 fake').toString('base64'),
        '--b1--',
        '',
      ]),
    );
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({ filename: 'devis.pdf', contentType: 'application/pdf', size: 13 });
    expect(email.attachments[0].content.toString()).toBe('%PDF-1.4 fake');
  });

  // Postgres text/jsonb cannot hold U+0000: a NUL reaching the message row makes the commit fail on every retry.
  it('never hands a NUL character on to storage', async () => {
    const email = await parsed(message(['From: a@example.com', 'Subject: nul\u0000inside', '', 'hello\u0000world', '']));
    expect(email.subject).not.toContain('\u0000');
    expect(email.text).not.toContain('\u0000');
  });
});
