import { AcdErrorKind, AcdException } from '../../common/acd.exception';

export enum EmailExceptionCode {
  MAILBOX_NOT_FOUND = 'MAILBOX_NOT_FOUND',
  MAILBOX_TAKEN = 'MAILBOX_TAKEN',
  QUEUE_NOT_FOUND = 'MAILBOX_QUEUE_NOT_FOUND',
  QUEUE_NOT_EMAIL = 'MAILBOX_QUEUE_NOT_EMAIL',
  QUARANTINE_NOT_FOUND = 'QUARANTINE_NOT_FOUND',
  NOT_EMAIL_CONVERSATION = 'NOT_EMAIL_CONVERSATION',
  NO_RECIPIENT = 'NO_RECIPIENT',
  NO_MAILBOX = 'NO_MAILBOX',
  REPLY_NOT_FOUND = 'REPLY_NOT_FOUND',
  REPLY_NOT_PENDING = 'REPLY_NOT_PENDING',
  NOT_YOUR_CONVERSATION = 'NOT_YOUR_CONVERSATION',
  EMPTY_REPLY = 'EMPTY_REPLY',
  ATTACHMENT_NOT_FOUND = 'ATTACHMENT_NOT_FOUND',
  IDEMPOTENCY_KEY_INVALID = 'IDEMPOTENCY_KEY_INVALID',
}

const KIND: Record<EmailExceptionCode, AcdErrorKind> = {
  [EmailExceptionCode.MAILBOX_NOT_FOUND]: AcdErrorKind.NotFound,
  [EmailExceptionCode.MAILBOX_TAKEN]: AcdErrorKind.Conflict,
  [EmailExceptionCode.QUEUE_NOT_FOUND]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.QUEUE_NOT_EMAIL]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.QUARANTINE_NOT_FOUND]: AcdErrorKind.NotFound,
  [EmailExceptionCode.NOT_EMAIL_CONVERSATION]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.NO_RECIPIENT]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.NO_MAILBOX]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.REPLY_NOT_FOUND]: AcdErrorKind.NotFound,
  [EmailExceptionCode.REPLY_NOT_PENDING]: AcdErrorKind.Conflict,
  [EmailExceptionCode.NOT_YOUR_CONVERSATION]: AcdErrorKind.Forbidden,
  [EmailExceptionCode.EMPTY_REPLY]: AcdErrorKind.BadRequest,
  [EmailExceptionCode.ATTACHMENT_NOT_FOUND]: AcdErrorKind.NotFound,
  [EmailExceptionCode.IDEMPOTENCY_KEY_INVALID]: AcdErrorKind.BadRequest,
};

export class EmailException extends AcdException {
  constructor(code: EmailExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
