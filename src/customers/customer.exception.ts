import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum CustomerExceptionCode {
  NOT_FOUND = 'CUSTOMER_NOT_FOUND',
  TAKEN = 'CUSTOMER_TAKEN',
  AGENT_NOT_FOUND = 'CUSTOMER_AGENT_NOT_FOUND',
}

const KIND: Record<CustomerExceptionCode, AcdErrorKind> = {
  [CustomerExceptionCode.NOT_FOUND]: AcdErrorKind.NotFound,
  [CustomerExceptionCode.TAKEN]: AcdErrorKind.Conflict,
  [CustomerExceptionCode.AGENT_NOT_FOUND]: AcdErrorKind.BadRequest,
};

export class CustomerException extends AcdException {
  constructor(code: CustomerExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
