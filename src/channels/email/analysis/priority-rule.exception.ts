import { AcdErrorKind, AcdException, AcdExceptionOptions } from '../../../common/acd.exception';

export enum PriorityRuleExceptionCode {
  NOT_FOUND = 'PRIORITY_RULE_NOT_FOUND',
  /** The same pattern (whatever its case) already exists with the same kind. */
  DUPLICATE = 'PRIORITY_RULE_DUPLICATE',
  /** The pattern has no word to match (only punctuation or spaces). */
  INVALID_PATTERN = 'PRIORITY_RULE_INVALID_PATTERN',
}

const KIND: Record<PriorityRuleExceptionCode, AcdErrorKind> = {
  [PriorityRuleExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
  [PriorityRuleExceptionCode.DUPLICATE]: AcdErrorKind.Conflict,
  [PriorityRuleExceptionCode.INVALID_PATTERN]: AcdErrorKind.BadRequest,
};

export class PriorityRuleException extends AcdException {
  constructor(code: PriorityRuleExceptionCode, message: string, options: AcdExceptionOptions = {}) {
    super(code, KIND[code], message, options);
  }

  static notFound(id: string): PriorityRuleException {
    return new PriorityRuleException(PriorityRuleExceptionCode.NOT_FOUND, `Priority rule ${id} not found`);
  }

  static duplicate(pattern: string, kind: string): PriorityRuleException {
    return new PriorityRuleException(PriorityRuleExceptionCode.DUPLICATE, `A ${kind} rule "${pattern}" already exists`);
  }

  static invalidPattern(pattern: string): PriorityRuleException {
    return new PriorityRuleException(PriorityRuleExceptionCode.INVALID_PATTERN, `pattern "${pattern}" has no word to match`, {
      details: ['pattern must contain at least one letter or digit'],
    });
  }
}
