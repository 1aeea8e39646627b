import { once } from 'node:events';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DovecotServer, startDovecot, waitGone } from './support/dovecot';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';
import { startTcpProxy } from './support/tcp-proxy';

jest.setTimeout(15_000);

/** The email test harness itself: a private Dovecot, an SMTP sink and a TCP proxy that can cut connections. */
describe('email test harness', () => {
  let dovecot: DovecotServer;
  let sink: SmtpSink;

  beforeAll(async () => {
    [dovecot, sink] = await Promise.all([startDovecot({ users: { 'harness-alice': 's3cret', 'harness-bob': 'pw', 'harness-carol': 'pw' } }), startSmtpSink()]);
  }, 20_000);

  afterAll(async () => {
    await Promise.all([dovecot?.stop(), sink?.stop()]);
  });

  function imapClient(user: string, port = dovecot.port): ImapFlow {
    const client = new ImapFlow({ host: dovecot.host, port, secure: false, doSTARTTLS: false, auth: { user, pass: dovecot.password(user) }, logger: false });
    // Errors surface as rejected commands or 'close'; the listener only keeps them from crashing the test.
    client.on('error', () => undefined);
    return client;
  }

  /** Pids whose command line matches `pattern` (pgrep exits 1 when there is none). */
  async function pgrep(pattern: string): Promise<number[]> {
    try {
      const { stdout } = await promisify(execFile)('pgrep', ['-f', pattern]);
      return stdout.trim().split('\n').filter(Boolean).map(Number);
    } catch (err) {
      if ((err as { code?: number }).code === 1) return [];
      throw err;
    }
  }

  it('lets a user log in over IMAP, append a message and read it back', async () => {
    const uid = await dovecot.append('harness-alice', 'Message-ID: <h1@test>\r\nSubject: hello\r\nFrom: a@test\r\n\r\nbody one\r\n');

    const client = imapClient('harness-alice');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const message = await client.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
    await client.logout();

    expect(message && message.envelope?.messageId).toBe('<h1@test>');
    expect(message && message.source?.toString()).toContain('body one');
    expect(await dovecot.flags('harness-alice')).toEqual([{ uid, flags: [], messageId: '<h1@test>' }]);
  });

  it('refuses a wrong password and accepts a user added at runtime', async () => {
    await dovecot.addUser('harness-late', 'first');
    const bad = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: 'harness-late', pass: 'wrong' }, logger: false });
    await expect(bad.connect()).rejects.toThrow();
    bad.close();

    const good = imapClient('harness-late');
    await good.connect();
    expect(good.authenticated).toBeTruthy();
    await good.logout();
  });

  it('kicks sessions and changes UIDVALIDITY on demand', async () => {
    await dovecot.append('harness-bob', 'Message-ID: <k1@test>\r\nSubject: k\r\n\r\nx\r\n', 'INBOX', ['$Keep']);
    const client = imapClient('harness-bob');
    await client.connect();
    await client.mailboxOpen('INBOX');
    const closed = once(client, 'close');
    await dovecot.killConnections('harness-bob');
    await closed;
    expect(await dovecot.sessionCount('harness-bob')).toBe(0);

    const before = await dovecot.uidValidity('harness-bob');
    const after = await dovecot.resetUidValidity('harness-bob');
    expect(after).not.toBe(before);
    expect(await dovecot.flags('harness-bob')).toEqual([{ uid: 1, flags: ['$Keep'], messageId: '<k1@test>' }]);
  });

  it('captures mail sent with nodemailer, with its envelope, headers and AUTH user', async () => {
    const transport = createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true, auth: { user: 'mailer', pass: 'x' } });
    await transport.sendMail({
      from: 'support@acd.test',
      to: 'customer@example.test',
      subject: 'Re: [#ABC-123] your order',
      text: 'Hello',
      messageId: '<reply-1@acd.test>',
      inReplyTo: '<orig-1@example.test>',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    transport.close();

    const mail = await sink.waitFor((m) => m.parsed.messageId === '<reply-1@acd.test>', 2_000);
    expect(mail.envelope).toEqual({ from: 'support@acd.test', to: ['customer@example.test'] });
    expect(mail.headers['in-reply-to']).toBe('<orig-1@example.test>');
    expect(mail.headers['auto-submitted']).toBe('auto-replied');
    expect(mail.parsed.subject).toBe('Re: [#ABC-123] your order');
    expect(mail.authUser).toBe('mailer');
    expect(mail.raw.toString()).toContain('Hello');
  });

  it('makes the next transactions fail with a 4xx when asked to', async () => {
    const transport = createTransport({ host: sink.host, port: sink.port, secure: false, ignoreTLS: true });
    sink.failNext(1, 451);
    await expect(transport.sendMail({ from: 'a@acd.test', to: 'b@example.test', subject: 'retry me', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });
    await transport.sendMail({ from: 'a@acd.test', to: 'b@example.test', subject: 'retry me', text: 'x' });
    transport.close();

    expect(sink.failedCount()).toBe(1);
    await sink.waitFor((m) => m.parsed.subject === 'retry me', 2_000);
    expect(sink.messages().filter((m) => m.parsed.subject === 'retry me')).toHaveLength(1);
  });

  it('drops a live IMAP connection through the proxy on cut(), and refuses new ones while paused', async () => {
    const proxy = await startTcpProxy(dovecot.port);
    try {
      const client = imapClient('harness-carol', proxy.port);
      await client.connect();
      await client.mailboxOpen('INBOX');
      expect(proxy.liveConnections()).toBe(1);
      const closed = once(client, 'close');
      proxy.cut();
      await closed;
      expect(client.usable).toBe(false);

      await proxy.pause();
      const refused = imapClient('harness-carol', proxy.port);
      await expect(refused.connect()).rejects.toThrow();
      refused.close();
      await proxy.resume();
      const again = imapClient('harness-carol', proxy.port);
      await again.connect();
      await again.logout();
    } finally {
      await proxy.stop();
    }
  });

  it('leaves no Dovecot process behind when stopped', async () => {
    const other = await startDovecot();
    const pids = await other.pids();
    expect(pids.length).toBeGreaterThan(1);
    expect(await pgrep(`^dovecot-${other.instanceName}/`)).not.toEqual([]);
    await other.stop();
    expect(await pgrep(`^dovecot-${other.instanceName}/`)).toEqual([]);
    expect(await pgrep(`dovecot -F -c ${other.configPath}`)).toEqual([]);
    expect(await waitGone(pids, 0)).toBe(true);
  });
});
