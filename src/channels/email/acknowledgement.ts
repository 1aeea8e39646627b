/**
 * A subject we send always shows the conversation's reference, which is how a
 * customer's answer finds its way back even when their mail client drops the
 * threading headers: `Re: <subject> [#K7F-2Q9]` unless the subject already has it.
 */
export function withReference(subject: string | null | undefined, conversationSubject: string | null, ref: string): string {
  const base = (subject ?? '').trim() || replyTo(conversationSubject);
  return base.includes(`[#${ref}]`) ? base : `${base} [#${ref}]`;
}

function replyTo(subject: string | null): string {
  const base = (subject ?? '').trim();
  // Only a reply prefix is kept as is: a forwarded mail's answer is `Re: Fwd: …`.
  return /^(re|aw|sv)\s*:/i.test(base) ? base : `Re: ${base}`.trim();
}
