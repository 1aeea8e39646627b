/** Size limits of the email channel (documented in docs/email.md). */
export const EMAIL_LIMITS = {
  /** A message larger than this on the server is quarantined unread (only its first bytes are kept). */
  maxMessageBytes: 25 * 1024 * 1024,
  /** Bytes of an oversized message kept in quarantine for an admin to look at. */
  quarantineHeadBytes: 64 * 1024,
  /** One attachment larger than this is not stored (the message says it was omitted). */
  maxAttachmentBytes: 10 * 1024 * 1024,
  /** Attachments of one message beyond this total are not stored. */
  maxAttachmentsTotalBytes: 20 * 1024 * 1024,
  /** Parsing one message may not take longer than this. */
  parseTimeoutMs: 15_000,
} as const;
