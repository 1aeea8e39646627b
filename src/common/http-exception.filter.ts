import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { AcdException, codeForHttpStatus } from './acd.exception';

/** The body of every HTTP error (DESIGN "External contract": `{statusCode, error, message}`). */
export interface HttpErrorBody {
  statusCode: number;
  /** HTTP reason phrase, e.g. "Bad Request". */
  error: string;
  /** Human-readable; for validation errors, every failed check joined with "; ". */
  message: string;
  /** Machine-readable code (domain code such as `AGENT_EMAIL_TAKEN`, or a generic one). */
  code: string;
  /** Each failed validation check, when there were several. */
  details?: string[];
}

/**
 * Turns every error thrown while serving an HTTP request into `HttpErrorBody`.
 * Unknown errors become a 500 whose details stay in the log, never in the
 * response (stack traces and SQL leak internals).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // Sockets answer errors in their acks (see ws-validation.ts); nothing to write here.
      this.logger.error(`Unhandled ${host.getType()} error`, exception instanceof Error ? exception.stack : String(exception));
      return;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception, request);
    if (exception instanceof AcdException && exception.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    }
    if (response.headersSent) {
      this.logger.error(`Error after the response started on ${request.method} ${request.originalUrl}: ${body.message}`);
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): HttpErrorBody {
    if (exception instanceof AcdException) {
      const statusCode = exception.httpStatus;
      if (statusCode >= 500) this.logUnexpected(exception, request);
      return withDetails({ statusCode, error: reason(statusCode), message: exception.message, code: exception.code }, exception.details);
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      if (statusCode >= 500) this.logUnexpected(exception, request);
      const { message, details } = messageOf(exception);
      return withDetails({ statusCode, error: reason(statusCode), message, code: codeForHttpStatus(statusCode) }, details);
    }
    const parserStatus = bodyParserStatus(exception);
    if (parserStatus !== null) {
      // Malformed JSON or a body over the size limit: the client's fault, say so.
      const message = exception instanceof Error ? exception.message : 'Invalid request body';
      return { statusCode: parserStatus, error: reason(parserStatus), message, code: codeForHttpStatus(parserStatus) };
    }
    this.logUnexpected(exception, request);
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: reason(statusCode), message: 'Internal server error', code: codeForHttpStatus(statusCode) };
  }

  private logUnexpected(exception: unknown, request: Request): void {
    const where = `${request.method} ${request.originalUrl}`;
    if (exception instanceof Error) this.logger.error(`${where}: ${exception.message}`, exception.stack);
    else this.logger.error(`${where}: ${String(exception)}`);
  }
}

function reason(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}

function withDetails(body: HttpErrorBody, details: string[] | undefined): HttpErrorBody {
  return details && details.length > 0 ? { ...body, details } : body;
}

/** Nest's HttpExceptions carry either a string or `{message: string | string[]}`. */
function messageOf(exception: HttpException): { message: string; details?: string[] } {
  const response = exception.getResponse();
  if (typeof response === 'string') return { message: response };
  const raw = (response as { message?: unknown }).message;
  if (Array.isArray(raw)) {
    const details = raw.map(String);
    return { message: details.join('; '), details };
  }
  if (typeof raw === 'string') return { message: raw };
  return { message: exception.message };
}

/** body-parser errors carry `type` (e.g. `entity.parse.failed`) and a 4xx `status`. */
function bodyParserStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && type.startsWith('entity.') && typeof status === 'number' && status >= 400 && status < 500) {
    return status;
  }
  return null;
}
