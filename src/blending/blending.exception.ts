import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum BlendingExceptionCode {
  InvalidPolicy = 'BLENDING_INVALID_POLICY',
}

const KIND: Record<BlendingExceptionCode, AcdErrorKind> = {
  [BlendingExceptionCode.InvalidPolicy]: AcdErrorKind.BadRequest,
};

export class BlendingException extends AcdException {
  constructor(code: BlendingExceptionCode, message: string, details?: string[]) {
    super(code, KIND[code], message, { details });
  }
}
