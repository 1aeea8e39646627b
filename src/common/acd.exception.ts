/**
 * The error model shared by every domain.
 *
 * Each domain declares its own exception class with a code enum (see
 * `agent.exception.ts`, `queue.exception.ts`, `auth.exception.ts`) and maps each
 * code to one of the generic kinds below. The kind → HTTP status mapping lives
 * in ONE exhaustive switch (`httpStatusOf`), used by the HTTP exception filter;
 * the socket gateways expose the domain `code` in their `{ok:false,error}` acks.
 */
export enum AcdErrorKind {
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  TooManyRequests = 'too_many_requests',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

/** Codes that belong to no single domain. */
export enum CommonExceptionCode {
  ValidationFailed = 'VALIDATION_FAILED',
  BadRequest = 'BAD_REQUEST',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

export interface AcdExceptionOptions {
  /** Messages of each failed check (validation errors), also returned to the client. */
  details?: string[];
  /** Sent as `Retry-After` on 429/503. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AcdException extends Error {
  readonly details?: string[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    readonly kind: AcdErrorKind,
    message: string,
    options: AcdExceptionOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get httpStatus(): number {
    return httpStatusOf(this.kind);
  }
}

/** Input that failed validation (HTTP body/query/params or a socket payload). */
export class ValidationException extends AcdException {
  constructor(details: string[]) {
    super(CommonExceptionCode.ValidationFailed, AcdErrorKind.BadRequest, details.join('; ') || 'Invalid input', { details });
  }
}

/** The single place where an error kind becomes an HTTP status. */
export function httpStatusOf(kind: AcdErrorKind): number {
  switch (kind) {
    case AcdErrorKind.BadRequest:
      return 400;
    case AcdErrorKind.Unauthorized:
      return 401;
    case AcdErrorKind.Forbidden:
      return 403;
    case AcdErrorKind.NotFound:
      return 404;
    case AcdErrorKind.Conflict:
      return 409;
    case AcdErrorKind.TooManyRequests:
      return 429;
    case AcdErrorKind.Unavailable:
      return 503;
    case AcdErrorKind.Internal:
      return 500;
    default:
      return assertNever(kind);
  }
}

/** Generic code for an error that did not come with a domain code (framework HttpExceptions). */
export function codeForHttpStatus(status: number): CommonExceptionCode {
  switch (status) {
    case 400:
      return CommonExceptionCode.BadRequest;
    case 401:
      return CommonExceptionCode.Unauthenticated;
    case 403:
      return CommonExceptionCode.Forbidden;
    case 404:
      return CommonExceptionCode.NotFound;
    case 409:
      return CommonExceptionCode.Conflict;
    case 429:
      return CommonExceptionCode.RateLimited;
    case 503:
      return CommonExceptionCode.Unavailable;
    default:
      return status >= 500 ? CommonExceptionCode.Internal : CommonExceptionCode.BadRequest;
  }
}

/** Compile-time exhaustiveness check for switches over unions/enums. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
