import { ParsedEmail } from './parsed-email';

export interface SenderVerdict {
  /** Why this mail was written by a machine (auto-reply, bounce, list…); null for a person. Such mail gets no acknowledgement, no auto-reply and no task. */
  automatic: string | null;
  /** The sender cannot receive mail (no-reply address without a Reply-To): no acknowledgement, but a person still reads it. */
  noReply: boolean;
  /** Where an answer goes: Reply-To when set (web forms send from a no-reply address with the visitor in Reply-To), else From; null when nobody can receive it. */
  replyAddress: string | null;
  /**
   * Who the customer is: the From address — not Reply-To, which anyone can set
   * (a stranger's `Reply-To: victim` must not reach the victim's cases through
   * the `[#REF]` token) — except for a robot sender (a web form's no-reply@),
   * where the visitor is in Reply-To.
   */
  customerAddress: string | null;
}

const AUTOMATIC_PRECEDENCE = /^(bulk|junk|list|auto[-_]?reply)$/i;
const DAEMON_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const NO_REPLY_SENDER = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|ne[-_.]?pas[-_.]?repondre|bounces?)([-+_.][^@]*)?@/i;

/**
 * Loop and junk defence (RFC 3834 and the usual vendor headers): the ACD
 * never answers a machine, so two auto-responders cannot ping-pong and a bounce
 * never gets acknowledged. Our own automatic mail carries
 * `Auto-Submitted: auto-replied`, which this check recognises too.
 */
export function judgeSender(email: ParsedEmail): SenderVerdict {
  const h = email.headers;
  const automatic = automaticReason(email, h);
  const robotSender = !!email.fromAddress && NO_REPLY_SENDER.test(email.fromAddress);
  const noReply = !email.replyTo && robotSender;
  const replyAddress = automatic || noReply ? null : (email.replyTo ?? email.fromAddress);
  const customerAddress = robotSender && email.replyTo ? email.replyTo : email.fromAddress;
  return { automatic, noReply, replyAddress, customerAddress };
}

function automaticReason(email: ParsedEmail, h: Record<string, string>): string | null {
  const autoSubmitted = h['auto-submitted']?.split(';')[0].trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  if (h['precedence'] && AUTOMATIC_PRECEDENCE.test(h['precedence'].trim())) return `Precedence: ${h['precedence'].trim()}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-response']) {
    if (h[name] !== undefined) return `${name} header`;
  }
  const suppress = h['x-auto-response-suppress'];
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress) && /^(auto|automatic|out of office|absence|réponse automatique)/i.test(email.subject)) {
    return 'X-Auto-Response-Suppress on an automatic reply';
  }
  if (email.contentType === 'multipart/report') return 'delivery or read report (multipart/report)';
  if (email.returnPath === '') return 'empty Return-Path (bounce)';
  if (email.fromAddress && DAEMON_SENDER.test(email.fromAddress)) return 'sent by a mailer daemon';
  if (h['list-id'] !== undefined || h['list-unsubscribe'] !== undefined) return 'mailing list';
  if (h['feedback-id'] !== undefined && h['list-unsubscribe'] !== undefined) return 'bulk sender';
  return null;
}
