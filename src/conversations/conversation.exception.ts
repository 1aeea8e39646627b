import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum ConversationExceptionCode {
  NOT_FOUND = 'CONVERSATION_NOT_FOUND',
}

const KIND: Record<ConversationExceptionCode, AcdErrorKind> = {
  [ConversationExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
};

export class ConversationException extends AcdException {
  constructor(code: ConversationExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
