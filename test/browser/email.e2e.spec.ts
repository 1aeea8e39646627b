import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Browser } from 'playwright-core';
import { DovecotServer, startDovecot } from '../support/dovecot';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { TestApp, TestEnvironment, createAgent, createQueue, createTestEnvironment, startTestApp } from '../support/test-app';
import { eventually, isFocused, launchChromium, pageOpener, presence, screenshot, text } from './browser-support';

const MAILBOX_USER = 'support';
const MAILBOX_PASSWORD = 'pw-support-secret';
const ADDRESS = 'support@acd.test';

/**
 * A customer's mail as a mail client sends it: text and HTML alternatives,
 * plus a file. The HTML carries a script and an `onerror` image that would
 * set `window.__pwned` and the page title if anything let them run.
 */
function customerMail(input: { from: string; fromName: string; subject: string; messageId: string; inReplyTo?: string; text: string; html: string; file?: { name: string; content: string } }): string {
  const mixed = `mixed-${randomUUID()}`;
  const alternative = `alt-${randomUUID()}`;
  const lines = [
    `From: "${input.fromName}" <${input.from}>`,
    `To: <${ADDRESS}>`,
    `Subject: ${input.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${input.messageId}>`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`, `References: <${input.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.text,
    `--${alternative}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.html,
    `--${alternative}--`,
    ...(input.file
      ? [
          `--${mixed}`,
          `Content-Type: text/plain; charset=utf-8; name="${input.file.name}"`,
          `Content-Disposition: attachment; filename="${input.file.name}"`,
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from(input.file.content).toString('base64'),
        ]
      : []),
    `--${mixed}--`,
    '',
  ];
  return lines.join('\r\n');
}

const HOSTILE_HTML =
  '<p>Hello,</p><p>My order <b>#4512</b> has not arrived yet, although it was due last Monday.</p>' +
  `<script>window.__pwned = 1; document.title = 'pwned';</script>` +
  `<img src="x" onerror="window.__pwned = 2; document.title = 'pwned'">` +
  '<p>Regards,<br>Grace Hopper</p>';

/**
 * The email channel in a real browser, end to end with real mail: a real
 * Dovecot (IMAP IDLE) in, a real SMTP sink out, the real app, an agent and a
 * supervisor in headless Chromium (each in its own browser context). Waits are
 * on DOM states and on the sink, never on sleeps.
 */
describe('email in a real browser: an IMAP mail answered with a template, through supervisor approval, out by SMTP', () => {
  let env: TestEnvironment;
  let app: TestApp;
  let browser: Browser;
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  const pages = pageOpener(() => ({ browser, url: app.url }));
  const open = (email: string) => pages.open(email);

  beforeAll(async () => {
    [dovecot, smtp, env, browser] = await Promise.all([
      startDovecot({ users: { [MAILBOX_USER]: MAILBOX_PASSWORD } }),
      startSmtpSink(),
      createTestEnvironment('memory'),
      launchChromium(),
    ]);
    app = await startTestApp(env);
  }, 60_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await app?.close();
    await Promise.all([dovecot?.stop(), smtp?.stop()]);
    await env?.dispose();
  }, 60_000);

  it('an agent answers a hostile mail with a template; a supervisor rejects, then approves; one threaded reply goes out', async () => {
    const queue = await createQueue(app, { name: 'Orders (email)', channel: 'email', skills: ['orders'], wrapUpSeconds: 30 });
    const mailbox = await app.api.post('/api/mailboxes', {
      address: ADDRESS,
      displayName: 'Example support',
      queue: queue.name,
      imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: MAILBOX_USER, password: MAILBOX_PASSWORD },
      smtp: { host: smtp.host, port: smtp.port, secure: false },
    });
    expect(mailbox.status).toBe(201);
    const templateIds: Record<string, string> = {};
    for (const template of [
      {
        name: 'Delivery delay (EN)',
        language: 'en',
        body: 'Dear {{customer.name}},\n\nthank you for your message about "{{ticket.subject}}" (reference {{ticket.ref}}).\nYour parcel left our warehouse this morning.\n\nBest regards,\n{{agent.name}}',
      },
      { name: 'Retard de livraison (FR)', language: 'fr', body: 'Bonjour {{customer.name}},\n\nvotre colis ({{ticket.ref}}) est parti ce matin.\n\n{{agent.name}}' },
    ]) {
      const created = await app.api.post('/api/templates', template);
      expect(created.status).toBe(201);
      templateIds[template.name] = created.body.id;
    }
    const agent = await createAgent(app, { name: 'Camille Martin', skills: { orders: 5 }, capacity: { voice: 0, chat: 0, email: 1 } });
    const supervisor = await createAgent(app, { name: 'Nadia Lefèvre', role: 'supervisor' });
    await eventually(async () => ((await app.api.get(`/api/mailboxes/${mailbox.body.id}`)).body.status.connected ? true : 'mailbox not connected'), 10_000);
    const [page, board] = await Promise.all([open(agent.email), open(supervisor.email)]);
    await page.getByRole('button', { name: 'Available' }).click();
    await presence(page, 'available');

    // The customer writes: the mail lands in the IMAP inbox and is pushed to Camille's screen.
    const customer = `grace-${randomUUID().slice(0, 8)}@customer.example`;
    const messageId = `${randomUUID()}@customer.example`;
    const subject = 'Order 4512 not delivered';
    await dovecot.append(
      MAILBOX_USER,
      customerMail({
        from: customer,
        fromName: 'Grace Hopper',
        subject,
        messageId,
        text: 'Hello, my order #4512 has not arrived yet, although it was due last Monday. Regards, Grace Hopper',
        html: HOSTILE_HTML,
        file: { name: 'order-4512.txt', content: 'Order 4512: 2 items, paid on 3 March.' },
      }),
    );
    const offer = page.locator('[data-testid=offer]', { hasText: subject });
    await offer.waitFor();
    expect(await text(offer)).toContain(customer);
    const taskId = (await offer.getAttribute('data-task-id'))!;
    await offer.getByRole('button', { name: 'Accept' }).click();
    await offer.waitFor({ state: 'detached' });
    const task = (await app.api.get(`/api/tasks/${taskId}`)).body;
    const conversation = (await app.api.get(`/api/conversations/${task.conversationId}`)).body;
    const ref: string = conversation.ref;

    // The mail, sanitized: shown, but its script and handler are gone and never ran.
    const panel = page.locator(`[role=tabpanel][data-task-id="${taskId}"]`);
    const inbound = panel.locator('[data-testid=email-message][data-direction=in]');
    const body = inbound.first().frameLocator('iframe');
    await body.getByText('has not arrived yet').waitFor();
    expect(await body.locator('script').count()).toBe(0);
    expect(await body.locator('[onerror]').count()).toBe(0);
    for (const frame of page.frames()) expect(await frame.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.title()).not.toBe('pwned');

    // The attachment is a real download (bearer token, saved under its name).
    const [file] = await Promise.all([page.waitForEvent('download'), inbound.getByRole('button', { name: /Download order-4512\.txt/ }).click()]);
    expect(file.suggestedFilename()).toBe('order-4512.txt');
    expect(await readFile((await file.path())!, 'utf8')).toBe('Order 4512: 2 items, paid on 3 March.');

    // A template, in the mail's language first; its preview fills the merge fields from this conversation.
    const editor = panel.getByTestId('reply-editor');
    const picker = editor.getByLabel('Template');
    await picker.locator('option', { hasText: 'Delivery delay (EN)' }).waitFor({ state: 'attached' });
    expect(await picker.locator('optgroup').first().getAttribute('label')).toBe('In English (the mail’s language)');
    expect(await picker.locator('optgroup').first().locator('option', { hasText: 'Retard de livraison (FR)' }).count()).toBe(0);
    await picker.selectOption({ label: 'Delivery delay (EN)' });
    const preview = editor.getByTestId('reply-preview');
    await preview.locator('[data-field=text]', { hasText: 'Dear Grace Hopper' }).waitFor();
    const rendered = await text(preview.locator('[data-field=text]'));
    expect(rendered).toContain(`(reference ${ref})`);
    expect(rendered).toContain(`"${subject}"`);
    expect(rendered).toContain('Camille Martin');
    expect(await text(preview.locator('[data-field=subject]'))).toBe(`Re: ${subject} [#${ref}]`);
    const textarea = editor.getByLabel('Your reply (you can edit it)');
    expect(await textarea.inputValue()).toBe(rendered);

    // Submitted for approval: nothing leaves yet.
    await editor.getByRole('button', { name: 'Submit for approval' }).click();
    await editor.locator('[data-testid=reply-status][data-reply-status=pending_approval]').waitFor();
    const firstReply = (await editor.getByTestId('reply-status').getAttribute('data-reply-id'))!;

    // The supervisor's approval queue: the customer's mail and the proposed reply side by side.
    await board.getByRole('link', { name: /Approvals/ }).click();
    await board.getByTestId('nav-approvals-count').filter({ hasText: '1' }).waitFor();
    const item = board.locator(`[data-testid=approval-list] button[data-reply-id="${firstReply}"]`);
    await item.focus();
    await board.keyboard.press('Enter');
    const detail = board.locator(`[data-testid=approval-detail][data-reply-id="${firstReply}"]`);
    const comment = detail.getByLabel('Comment for the agent (required to reject)');
    await eventually(async () => ((await isFocused(comment)) ? true : 'comment not focused'));
    const mailFrame = detail.getByTestId('approval-customer-mail').frameLocator('iframe');
    await mailFrame.getByText('has not arrived yet').waitFor();
    expect(await mailFrame.locator('script').count()).toBe(0);
    expect(await text(detail.getByTestId('approval-customer-mail'))).toContain(customer);
    expect(await text(detail.getByTestId('approval-proposed').locator('[data-field=text]'))).toBe(rendered);
    expect(await text(detail.getByTestId('approval-proposed'))).toContain('Camille Martin');

    // A rejection needs a comment: refused without one, nothing changes.
    await detail.getByRole('button', { name: 'Reject' }).click();
    await detail.getByTestId('approval-comment-error').getByText('Write a comment').waitFor();
    expect((await app.api.get(`/api/replies/${firstReply}`)).body.status).toBe('pending_approval');
    await eventually(async () => ((await isFocused(comment)) ? true : 'comment not focused after the refusal'));
    const feedback = 'Please give the tracking number and apologise for the delay.';
    await board.keyboard.type(feedback);
    await screenshot(board, 'approval-queue');
    await board.keyboard.press('Tab');
    await board.keyboard.press('Tab');
    await board.keyboard.press('Enter');
    await board.getByTestId('approvals-empty').waitFor();
    await board.getByTestId('approvals-status').getByText('Returned to Camille Martin').waitFor();

    // Camille sees the comment; her text is back in the editor, template kept.
    const returned = editor.getByTestId('reply-returned');
    await returned.getByTestId('reply-comment').filter({ hasText: feedback }).waitFor();
    await editor.locator('[data-testid=reply-status][data-reply-status=rejected]').waitFor();
    expect(await textarea.inputValue()).toBe(rendered);
    expect(await picker.inputValue()).toBe(templateIds['Delivery delay (EN)']);
    await page.getByTestId('notice').getByText(feedback).waitFor();
    await preview.locator('[data-field=text]', { hasText: 'Dear Grace Hopper' }).waitFor();
    await screenshot(page, 'agent-workspace');
    await textarea.fill(rendered.replace('Best regards,', 'We are sorry for the delay: your tracking number is TRK-4512.\n\nBest regards,'));
    await editor.getByRole('button', { name: 'Submit for approval' }).click();
    await editor.locator('[data-testid=reply-status][data-reply-status=pending_approval]').waitFor();
    const secondReply = (await editor.getByTestId('reply-status').getAttribute('data-reply-id'))!;
    expect(secondReply).not.toBe(firstReply);

    // The resubmitted reply reaches the open queue live; the supervisor approves it.
    const again = board.locator(`[data-testid=approval-list] button[data-reply-id="${secondReply}"]`);
    await again.click();
    const approved = board.locator(`[data-testid=approval-detail][data-reply-id="${secondReply}"]`);
    await approved.getByTestId('approval-proposed').getByText('TRK-4512').waitFor();
    await approved.getByRole('button', { name: 'Approve and send' }).click();
    await board.getByTestId('approvals-empty').waitFor();
    expect(await board.getByTestId('nav-approvals-count').count()).toBe(0);
    await board.getByLabel('Language').selectOption('fr');
    await board.getByText('Aucune réponse à valider.').waitFor();
    await board.getByRole('link', { name: 'Validations' }).waitFor();

    // Sent: Camille sees it, and it joins the thread.
    await editor.locator('[data-testid=reply-status][data-reply-status=sent]').waitFor({ timeout: 15_000 });
    await panel.locator('[data-testid=email-message][data-direction=out]', { hasText: 'TRK-4512' }).waitFor();

    // The SMTP server got exactly one reply (besides the acknowledgement), threaded on the customer's mail.
    const out = await smtp.waitFor((m) => m.envelope.to.includes(customer) && (m.parsed.text ?? '').includes('TRK-4512'), 5000);
    const toCustomer = smtp.messages().filter((m) => m.envelope.to.includes(customer));
    expect(toCustomer.filter((m) => !m.headers['auto-submitted'])).toHaveLength(1);
    expect(out.headers['in-reply-to']).toBe(`<${messageId}>`);
    expect(out.parsed.subject).toBe(`Re: ${subject} [#${ref}]`);
    expect(out.parsed.text).toContain('Dear Grace Hopper');
    expect(out.parsed.from?.value[0].address).toBe(ADDRESS);
    expect((await app.api.get(`/api/replies/${firstReply}`)).body).toMatchObject({ status: 'rejected', reviewComment: feedback });

    // The customer answers on the open task: the thread is read again and the new mail announced.
    await dovecot.append(
      MAILBOX_USER,
      customerMail({
        from: customer,
        fromName: 'Grace Hopper',
        subject: `Re: ${out.parsed.subject}`,
        messageId: `${randomUUID()}@customer.example`,
        inReplyTo: String(out.parsed.messageId).replace(/[<>]/g, ''),
        text: 'Thank you, I can see the parcel moving now.',
        html: '<p>Thank you, I can see the parcel moving now.</p>',
      }),
    );
    await panel.getByTestId('email-new-mail').waitFor();
    await eventually(async () => ((await inbound.count()) === 2 ? true : `${await inbound.count()} inbound messages`));
    await inbound.nth(1).frameLocator('iframe').getByText('I can see the parcel moving').waitFor();

    // Completed with a disposition, wrap-up, ready.
    await panel.getByLabel('Disposition').selectOption('resolved');
    await panel.getByRole('button', { name: 'Complete' }).click();
    await panel.locator('[data-testid=task-status][data-status=wrapping]').waitFor();
    await presence(page, 'wrapup');
    await page.getByRole('button', { name: 'Ready' }).click();
    await presence(page, 'available');
    await page.getByTestId('workspace-empty').waitFor();
    expect((await app.api.get(`/api/tasks/${taskId}`)).body).toMatchObject({ status: 'completed', disposition: 'resolved', agentId: agent.id });
  }, 60_000);
});
