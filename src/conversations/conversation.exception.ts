import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum ConversationExceptionCode {
  NOT_FOUND = 'CONVERSATION_NOT_FOUND',
  /** Every reference drawn was taken (astronomically unlikely short of a broken random source). */
  REF_EXHAUSTED = 'CONVERSATION_REF_EXHAUSTED',
}

const KIND: Record<ConversationExceptionCode, AcdErrorKind> = {
  [ConversationExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
  [ConversationExceptionCode.REF_EXHAUSTED]: AcdErrorKind.Internal,
};

export class ConversationException extends AcdException {
  constructor(code: ConversationExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
