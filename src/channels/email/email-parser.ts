import { AddressObject, ParsedMail, simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { EMAIL_LIMITS } from './email-limits';
import { ParsedAttachment, ParsedEmail } from './parsed-email';

export type ParseResult = { ok: true; email: ParsedEmail } | { ok: false; reason: string };

const SAFE_STYLE_VALUE = /^(?![\s\S]*(url\s*\(|expression\s*\(|@import|javascript:))[\s\S]{0,200}$/i;
const STYLE_PROPERTIES = [
  'color', 'background-color', 'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'line-height', 'letter-spacing',
  'text-align', 'text-decoration', 'text-transform', 'text-indent', 'vertical-align', 'white-space', 'direction',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width', 'border-collapse', 'border-spacing', 'border-radius',
  'width', 'height', 'max-width', 'min-width', 'display', 'list-style-type', 'table-layout',
];

/**
 * Inbound HTML is shown to agents (in a sandboxed frame, see the client), but
 * it is sanitized here first, once, with sanitize-html: no scripts, no event
 * handlers, no forms or frames, no remote resources (tracking pixels) — only
 * `cid:` and `data:` images.
 */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span'],
  allowedAttributes: {
    '*': ['style', 'align', 'dir', 'lang', 'title'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    font: ['color', 'face', 'size'],
    td: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
    th: ['colspan', 'rowspan', 'width', 'valign', 'bgcolor'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
  },
  // Inline CSS may not fetch anything (tracking pixels as `background:url(…)`): values with `url(`, `expression(`, `@import` are dropped.
  allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((property) => [property, [SAFE_STYLE_VALUE]])) },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }) },
};

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/**
 * Parses one raw message with mailparser into a ParsedEmail, or says why it
 * must go to quarantine. mailparser is tolerant (it decodes what it can), so
 * the checks that make a message unusable are ours: no sender address to
 * answer, a charset nothing can decode, a multipart body whose boundary never
 * appears, a parse that throws or never ends.
 */
export async function parseEmail(raw: Buffer): Promise<ParseResult> {
  if (raw.length > EMAIL_LIMITS.maxMessageBytes) return { ok: false, reason: `too large (${raw.length} bytes)` };
  let mail: ParsedMail;
  try {
    mail = await withTimeout(simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 }), EMAIL_LIMITS.parseTimeoutMs);
  } catch (error) {
    return { ok: false, reason: `unparseable MIME: ${error instanceof Error ? error.message : String(error)}` };
  }
  const structural = structuralProblem(raw, mail);
  if (structural) return { ok: false, reason: structural };
  const from = firstAddress(mail.from);
  if (!from?.address || !/^[^@\s]+@[^@\s]+$/.test(from.address)) return { ok: false, reason: 'no usable sender address (From)' };

  const headers: Record<string, string> = {};
  for (const [name, value] of mail.headers) {
    const key = name.toLowerCase();
    if (!(key in headers)) headers[key] = clean(headerText(value));
  }
  // mailparser folds List-* (and a few others) into structured values under other names: keep each header as sent too.
  for (const [key, value] of rawHeaders(raw)) if (!(key in headers)) headers[key] = clean(value);
  const html = typeof mail.html === 'string' && mail.html.trim() ? clean(sanitizeEmailHtml(mail.html)) : null;
  return {
    ok: true,
    email: {
      messageId: stripAngles(mail.messageId ?? null),
      inReplyTo: stripAngles(typeof mail.inReplyTo === 'string' ? mail.inReplyTo.split(/\s+/)[0] : null),
      references: toList(mail.references).map((id) => stripAngles(id)).filter((id): id is string => !!id),
      fromAddress: from.address.toLowerCase(),
      fromName: clean(from.name?.trim() ?? '') || null,
      replyTo: firstAddress(mail.replyTo)?.address?.toLowerCase() ?? null,
      to: addresses(mail.to),
      cc: addresses(mail.cc),
      subject: clean(mail.subject ?? '').trim(),
      text: clean(mail.text ?? (html ? sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }) : '')).trim(),
      html,
      date: mail.date ?? null,
      headers,
      contentType: contentTypeOf(mail),
      returnPath: returnPathOf(raw),
      attachments: mail.attachments.map(
        (attachment): ParsedAttachment => ({
          filename: clean(attachment.filename ?? 'attachment'),
          contentType: attachment.contentType,
          size: attachment.size,
          content: attachment.content,
        }),
      ),
      size: raw.length,
    },
  };
}

/** Problems mailparser papers over but that leave us unable to trust the content. */
function structuralProblem(raw: Buffer, mail: ParsedMail): string | null {
  if (mail.headers.size === 0) return 'no header section';
  const headerEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1');
  for (const match of head.matchAll(/charset\s*=\s*"?([^";\s]+)"?/gi)) {
    if (!isKnownCharset(match[1])) return `unknown charset "${match[1]}"`;
  }
  const contentType = mail.headers.get('content-type');
  if (contentType && typeof contentType === 'object' && 'value' in contentType) {
    const value = String(contentType.value).toLowerCase();
    const params = (contentType as { params?: Record<string, string> }).params ?? {};
    if (value.startsWith('multipart/')) {
      const boundary = params.boundary;
      if (!boundary) return 'broken MIME: multipart without a boundary';
      if (!raw.includes(`--${boundary}`)) return 'broken MIME: the multipart boundary never appears';
    }
  }
  return null;
}

function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label.toLowerCase());
    return true;
  } catch {
    // RangeError: not an encoding the WHATWG decoder knows; mailparser's own fallbacks cover a few more.
    return /^(x-)?(user-defined|unknown-8bit|ks_c_5601-1987|iso-2022-jp|us-ascii|ascii|utf8)$/i.test(label);
  }
}

/**
 * NUL never belongs in mail text, and PostgreSQL refuses it in text and jsonb:
 * one such mail would fail to commit on every retry and hold its mailbox.
 */
function clean(value: string): string {
  return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
}

/** The header section's fields, unfolded, names lower-cased (first occurrence wins). */
function rawHeaders(raw: Buffer): Map<string, string> {
  const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const text = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : end).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (match && !out.has(match[1].toLowerCase())) out.set(match[1].toLowerCase(), match[2].trim());
  }
  return out;
}

function returnPathOf(raw: Buffer): string | null {
  const headerEnd = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, headerEnd < 0 ? Math.min(raw.length, 65536) : headerEnd).toString('latin1');
  const match = /^return-path:\s*(.*)$/im.exec(head);
  if (!match) return null;
  return match[1].trim().replace(/^<|>$/g, '').trim().toLowerCase();
}

function contentTypeOf(mail: ParsedMail): string {
  const header = mail.headers.get('content-type');
  if (header && typeof header === 'object' && 'value' in header) return String(header.value).toLowerCase();
  return 'text/plain';
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (value && typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('value' in value) {
      const params = 'params' in value && value.params && typeof value.params === 'object' ? value.params : {};
      return [String(value.value), ...Object.entries(params).map(([k, v]) => `${k}=${String(v)}`)].join('; ');
    }
  }
  return String(value ?? '');
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address?: string; name?: string } | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const object of list) {
    for (const entry of object.value) if (entry.address) return entry;
  }
  return null;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((object) => object.value.map((entry) => entry.address?.toLowerCase()).filter((a): a is string => !!a));
}

function toList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((entry) => entry.split(/\s+/)).filter(Boolean);
}

export function stripAngles(id: string | null): string | null {
  if (!id) return null;
  const trimmed = id.trim().replace(/^<+|>+$/g, '').trim();
  return trimmed || null;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`parsing took more than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
