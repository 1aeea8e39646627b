/**
 * Size limits of the email channel (documented in docs/email.md). The
 * attachment limits are settings: EMAIL_MAX_ATTACHMENT_BYTES and
 * EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES (AppConfig).
 */
export const EMAIL_LIMITS = {
  /** A message larger than this on the server is quarantined unread (only its first bytes are kept). */
  maxMessageBytes: 25 * 1024 * 1024,
  /** Bytes of an oversized message kept in quarantine for an admin to look at. */
  quarantineHeadBytes: 64 * 1024,
  /** Parsing one message may not take longer than this. */
  parseTimeoutMs: 15_000,
} as const;
