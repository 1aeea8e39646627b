import { HttpException, Logger } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AcdException, CommonExceptionCode, codeForHttpStatus } from './acd.exception';
import { flattenValidationErrors } from './validation';

/**
 * Socket acks (DESIGN "Sockets"): every client event is answered
 * `{ok:true,...}` or `{ok:false,error:{code,message}}`. A socket.io handler
 * that throws would otherwise surface as a generic "Internal server error"
 * `exception` event the client never correlates with its request; these
 * helpers keep every failure inside the ack.
 */
export interface WsError {
  code: string;
  message: string;
  /** Each failed validation check. */
  details?: string[];
}

export type WsFailure = { ok: false; error: WsError };
export type ValidationResult<T> = { ok: true; value: T } | WsFailure;

/**
 * Validates a socket payload against a class-validator DTO with the same rules
 * as the HTTP ValidationPipe (whitelist, forbid unknown fields, transform).
 */
export async function validatePayload<T extends object>(dto: ClassConstructor<T>, payload: unknown): Promise<ValidationResult<T>> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return {
      ok: false,
      error: { code: CommonExceptionCode.ValidationFailed, message: 'payload must be an object', details: ['payload must be an object'] },
    };
  }
  const value = plainToInstance(dto, payload);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return { ok: true, value };
  const details = flattenValidationErrors(errors);
  return { ok: false, error: { code: CommonExceptionCode.ValidationFailed, message: details.join('; '), details } };
}

/**
 * Converts any error into an ack error. Domain errors keep their code and
 * message; unexpected ones are logged here and answered without internals.
 */
export function toWsError(error: unknown, logger: Logger): WsError {
  if (error instanceof AcdException) {
    return error.details ? { code: error.code, message: error.message, details: error.details } : { code: error.code, message: error.message };
  }
  if (error instanceof HttpException) {
    return { code: codeForHttpStatus(error.getStatus()), message: error.message };
  }
  logger.error(`Unexpected socket handler error: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);
  return { code: CommonExceptionCode.Internal, message: 'The server could not process this event; it has been logged' };
}

/**
 * Runs a socket handler body and shapes its ack:
 * `return wsAck(this.logger, async () => ({ offer }))` → `{ok:true, offer}`.
 */
export async function wsAck<R extends object>(logger: Logger, handler: () => Promise<R>): Promise<({ ok: true } & R) | WsFailure> {
  try {
    const result = await handler();
    return { ok: true, ...result };
  } catch (error) {
    return { ok: false, error: toWsError(error, logger) };
  }
}

/**
 * Validate-then-run in one call, for the common handler shape:
 * `return wsHandle(this.logger, OfferAcceptDto, payload, (dto) => this.offers.accept(dto.offerId, user))`.
 */
export async function wsHandle<T extends object, R extends object>(
  logger: Logger,
  dto: ClassConstructor<T>,
  payload: unknown,
  handler: (value: T) => Promise<R>,
): Promise<({ ok: true } & R) | WsFailure> {
  const validated = await validatePayload(dto, payload);
  if (!validated.ok) return validated;
  return wsAck(logger, () => handler(validated.value));
}
