import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum PresenceExceptionCode {
  AGENT_NOT_FOUND = 'PRESENCE_AGENT_NOT_FOUND',
  FORBIDDEN = 'PRESENCE_FORBIDDEN',
  INVALID_STATE = 'PRESENCE_INVALID_STATE',
}

const KIND: Record<PresenceExceptionCode, AcdErrorKind> = {
  [PresenceExceptionCode.AGENT_NOT_FOUND]: AcdErrorKind.NotFound,
  [PresenceExceptionCode.FORBIDDEN]: AcdErrorKind.Forbidden,
  [PresenceExceptionCode.INVALID_STATE]: AcdErrorKind.BadRequest,
};

export class PresenceException extends AcdException {
  constructor(code: PresenceExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
