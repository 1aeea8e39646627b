import { AcdErrorKind, AcdException, AcdExceptionOptions } from '../common/acd.exception';

export enum TemplateExceptionCode {
  NOT_FOUND = 'TEMPLATE_NOT_FOUND',
  NAME_TAKEN = 'TEMPLATE_NAME_TAKEN',
  UNKNOWN_FIELD = 'TEMPLATE_UNKNOWN_FIELD',
  INVALID_SYNTAX = 'TEMPLATE_INVALID_SYNTAX',
  ATTACHMENT_TOO_LARGE = 'TEMPLATE_ATTACHMENT_TOO_LARGE',
  /** Still referenced (an auto-reply rule answers with it): the database refuses the delete. */
  IN_USE = 'TEMPLATE_IN_USE',
}

const KIND: Record<TemplateExceptionCode, AcdErrorKind> = {
  [TemplateExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
  [TemplateExceptionCode.NAME_TAKEN]: AcdErrorKind.Conflict,
  [TemplateExceptionCode.UNKNOWN_FIELD]: AcdErrorKind.BadRequest,
  [TemplateExceptionCode.INVALID_SYNTAX]: AcdErrorKind.BadRequest,
  [TemplateExceptionCode.ATTACHMENT_TOO_LARGE]: AcdErrorKind.BadRequest,
  [TemplateExceptionCode.IN_USE]: AcdErrorKind.Conflict,
};

export class TemplateException extends AcdException {
  constructor(code: TemplateExceptionCode, message: string, options: AcdExceptionOptions = {}) {
    super(code, KIND[code], message, options);
  }

  static notFound(id: string): TemplateException {
    return new TemplateException(TemplateExceptionCode.NOT_FOUND, `Template ${id} not found`);
  }

  static nameTaken(name: string): TemplateException {
    return new TemplateException(TemplateExceptionCode.NAME_TAKEN, `A template named "${name}" already exists`);
  }
}
