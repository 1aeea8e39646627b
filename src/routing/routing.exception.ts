import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum RoutingExceptionCode {
  OFFER_NOT_FOUND = 'OFFER_NOT_FOUND',
}

const KIND: Record<RoutingExceptionCode, AcdErrorKind> = {
  [RoutingExceptionCode.OFFER_NOT_FOUND]: AcdErrorKind.NotFound,
};

export class RoutingException extends AcdException {
  constructor(code: RoutingExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
