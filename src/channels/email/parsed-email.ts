/**
 * One inbound email after MIME parsing (mailparser), before any product
 * decision. The input of loop defence, analysis, threading and ingestion.
 */
export interface ParsedEmail {
  /** Message-ID without angle brackets; null when the mail has none (ingestion then derives one from the raw bytes). */
  messageId: string | null;
  /** In-Reply-To without angle brackets. */
  inReplyTo: string | null;
  /** References, oldest first, without angle brackets. */
  references: string[];
  /** Sender address, lower-cased; null when missing or unparseable. */
  fromAddress: string | null;
  fromName: string | null;
  /** Reply-To address if set (lower-cased), else null. */
  replyTo: string | null;
  to: string[];
  cc: string[];
  subject: string;
  /** Plain text body (mailparser's text, or the HTML converted to text). */
  text: string;
  /** Sanitized HTML body, or null for a plain-text mail. */
  html: string | null;
  date: Date | null;
  /** Header names lower-cased; values as strings (first occurrence). */
  headers: Record<string, string>;
  /** Top-level content type, e.g. `multipart/report` for a bounce. */
  contentType: string;
  /** Return-Path as sent: `''` for the null sender `<>`, null when the header is absent. */
  returnPath: string | null;
  attachments: ParsedAttachment[];
  /** Raw size in bytes. */
  size: number;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}
