import { AcdErrorKind, AcdException, AcdExceptionOptions } from '../../common/acd.exception';

export enum ChatExceptionCode {
  QUEUE_NOT_FOUND = 'CHAT_QUEUE_NOT_FOUND',
  SESSION_CLOSED = 'CHAT_SESSION_CLOSED',
  NOT_YOURS = 'CHAT_NOT_YOURS',
  TASK_NOT_FOUND = 'CHAT_TASK_NOT_FOUND',
  FAQ_NOT_FOUND = 'FAQ_NOT_FOUND',
  RATE_LIMITED = 'CHAT_RATE_LIMITED',
  BAD_TARGET = 'CHAT_BAD_TARGET',
}

const KIND: Record<ChatExceptionCode, AcdErrorKind> = {
  [ChatExceptionCode.QUEUE_NOT_FOUND]: AcdErrorKind.BadRequest,
  [ChatExceptionCode.SESSION_CLOSED]: AcdErrorKind.Conflict,
  [ChatExceptionCode.NOT_YOURS]: AcdErrorKind.Forbidden,
  [ChatExceptionCode.TASK_NOT_FOUND]: AcdErrorKind.NotFound,
  [ChatExceptionCode.FAQ_NOT_FOUND]: AcdErrorKind.NotFound,
  [ChatExceptionCode.RATE_LIMITED]: AcdErrorKind.TooManyRequests,
  [ChatExceptionCode.BAD_TARGET]: AcdErrorKind.BadRequest,
};

export class ChatException extends AcdException {
  constructor(code: ChatExceptionCode, message: string, options: AcdExceptionOptions = {}) {
    super(code, KIND[code], message, options);
  }
}
