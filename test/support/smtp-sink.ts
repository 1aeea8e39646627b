import { Logger } from '@nestjs/common';
import { EventEmitter, once } from 'node:events';
import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** One mail accepted by the sink. */
export interface CapturedMail {
  envelope: { from: string | null; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** Header name (lower-cased) → raw value (first occurrence, unfolded). */
  headers: Record<string, string>;
  /** The user given with AUTH, or null when the client did not authenticate. */
  authUser: string | null;
  receivedAt: Date;
}

export interface SmtpSinkOptions {
  /** Reject messages larger than this (SIZE extension); default 50 MB. */
  maxSize?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every mail accepted so far, in arrival order. */
  messages(): CapturedMail[];
  /** Resolves with the first mail (already captured or arriving) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Makes the next `count` transactions fail at end of DATA with a temporary error (`code`, 4xx). */
  failNext(count: number, code?: number): void;
  /** Transactions refused by failNext so far. */
  failedCount(): number;
  /** Forgets captured mails. */
  clear(): void;
  stop(): Promise<void>;
}

/**
 * An SMTP server on a free 127.0.0.1 port that accepts everything (AUTH is
 * optional but recorded), keeps every mail raw and parsed, and can be told to
 * fail the next transactions, for retry tests.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sink = new SmtpSinkServer(options);
  await sink.listen();
  return sink;
}

class SmtpSinkServer implements SmtpSink {
  readonly host = '127.0.0.1';
  port = 0;
  private readonly logger = new Logger(SmtpSinkServer.name);
  private readonly captured: CapturedMail[] = [];
  private readonly events = new EventEmitter();
  private readonly server: SMTPServer;
  private failuresLeft = 0;
  private failureCode = 451;
  private failures = 0;

  constructor(options: SmtpSinkOptions) {
    this.events.setMaxListeners(0);
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: options.maxSize ?? 50 * 1024 * 1024,
      logger: false,
      // stop() should not wait 30 s for a pooled client that keeps its connection open.
      closeTimeout: 500,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? '' }),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      },
    });
    this.server.on('error', (err: Error) => this.logger.warn(`SMTP sink error: ${err.message}`));
  }

  async listen(): Promise<void> {
    const listening = once(this.server.server, 'listening');
    this.server.listen(0, this.host);
    await listening;
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  messages(): CapturedMail[] {
    return [...this.captured];
  }

  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs = 5_000): Promise<CapturedMail> {
    const found = this.captured.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMail = (mail: CapturedMail): void => {
        if (!predicate(mail)) return;
        cleanup();
        resolve(mail);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`SMTP sink: no matching mail within ${timeoutMs} ms (${this.captured.length} captured)`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('mail', onMail);
      };
      this.events.on('mail', onMail);
    });
  }

  failNext(count: number, code = 451): void {
    if (code < 400 || code > 499) throw new Error(`failNext expects a temporary (4xx) code, got ${code}`);
    this.failuresLeft = count;
    this.failureCode = code;
  }

  failedCount(): number {
    return this.failures;
  }

  clear(): void {
    this.captured.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.events.removeAllListeners();
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (this.failuresLeft > 0) {
      // Read the whole DATA first: failing mid-stream would desynchronise the SMTP dialogue.
      this.failuresLeft -= 1;
      this.failures += 1;
      throw smtpError(this.failureCode, 'Temporary failure requested by the test (failNext)');
    }
    if (stream.sizeExceeded) throw smtpError(552, 'Message exceeds the fixed size limit');
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const mail: CapturedMail = {
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      },
      raw,
      parsed,
      headers: headerRecord(parsed),
      authUser: session.user ?? null,
      receivedAt: new Date(),
    };
    this.captured.push(mail);
    this.events.emit('mail', mail);
  }
}

function headerRecord(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    if (key in headers) continue;
    const colon = line.indexOf(':');
    headers[key] = line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return headers;
}

function smtpError(code: number, message: string): Error {
  // smtp-server answers with the error's responseCode.
  return Object.assign(new Error(message), { responseCode: code });
}
