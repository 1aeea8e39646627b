import { AcdErrorKind, AcdException, AcdExceptionOptions } from '../../../common/acd.exception';

export enum AutoReplyExceptionCode {
  NOT_FOUND = 'AUTO_REPLY_NOT_FOUND',
  /** The rule names a template that does not exist: bad input, not a missing resource. */
  TEMPLATE_NOT_FOUND = 'AUTO_REPLY_TEMPLATE_NOT_FOUND',
  TEMPLATE_LANGUAGE_MISMATCH = 'AUTO_REPLY_TEMPLATE_LANGUAGE_MISMATCH',
}

const KIND: Record<AutoReplyExceptionCode, AcdErrorKind> = {
  [AutoReplyExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
  [AutoReplyExceptionCode.TEMPLATE_NOT_FOUND]: AcdErrorKind.BadRequest,
  [AutoReplyExceptionCode.TEMPLATE_LANGUAGE_MISMATCH]: AcdErrorKind.BadRequest,
};

export class AutoReplyException extends AcdException {
  constructor(code: AutoReplyExceptionCode, message: string, options: AcdExceptionOptions = {}) {
    super(code, KIND[code], message, options);
  }

  static notFound(id: string): AutoReplyException {
    return new AutoReplyException(AutoReplyExceptionCode.NOT_FOUND, `Auto-reply rule ${id} not found`);
  }

  static templateNotFound(templateId: string): AutoReplyException {
    return new AutoReplyException(AutoReplyExceptionCode.TEMPLATE_NOT_FOUND, `templateId: template ${templateId} does not exist`);
  }
}
