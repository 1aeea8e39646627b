import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum AuthExceptionCode {
  InvalidCredentials = 'AUTH_INVALID_CREDENTIALS',
  Unauthenticated = 'AUTH_UNAUTHENTICATED',
  Forbidden = 'AUTH_FORBIDDEN',
  RateLimited = 'AUTH_RATE_LIMITED',
}

const KIND: Record<AuthExceptionCode, AcdErrorKind> = {
  [AuthExceptionCode.InvalidCredentials]: AcdErrorKind.Unauthorized,
  [AuthExceptionCode.Unauthenticated]: AcdErrorKind.Unauthorized,
  [AuthExceptionCode.Forbidden]: AcdErrorKind.Forbidden,
  [AuthExceptionCode.RateLimited]: AcdErrorKind.TooManyRequests,
};

export class AuthException extends AcdException {
  constructor(code: AuthExceptionCode, message: string, options: { retryAfterSeconds?: number } = {}) {
    super(code, KIND[code], message, options);
  }
}
