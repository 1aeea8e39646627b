import { ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import { AcdErrorKind, AcdException, ValidationException } from './acd.exception';
import { HttpErrorBody, HttpExceptionFilter } from './http-exception.filter';

interface Captured {
  status?: number;
  body?: HttpErrorBody;
  headers: Record<string, string>;
}

/** A minimal Express request/response pair: the filter's observable output is status, headers and JSON body. */
function hostCapturing(captured: Captured): ArgumentsHost {
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (captured.headers[name] = value),
    status(code: number) {
      captured.status = code;
      return this;
    },
    json: (body: HttpErrorBody) => (captured.body = body),
  };
  const request = { method: 'POST', originalUrl: '/api/things' };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
}

function filter(exception: unknown): Captured {
  const captured: Captured = { headers: {} };
  new HttpExceptionFilter().catch(exception, hostCapturing(captured));
  return captured;
}

describe('HttpExceptionFilter', () => {
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => logged.mockRestore());

  it('maps a domain exception through its kind, with Retry-After when given', () => {
    const out = filter(new AcdException('SLOW_DOWN', AcdErrorKind.TooManyRequests, 'Too fast', { retryAfterSeconds: 12.2 }));
    expect(out.status).toBe(429);
    expect(out.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Too fast', code: 'SLOW_DOWN' });
    expect(out.headers['Retry-After']).toBe('13');
  });

  it('returns every validation message', () => {
    const out = filter(new ValidationException(['name must be a string', 'capacity.voice must not be greater than 20']));
    expect(out.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'name must be a string; capacity.voice must not be greater than 20',
      code: 'VALIDATION_FAILED',
      details: ['name must be a string', 'capacity.voice must not be greater than 20'],
    });
  });

  it('reshapes framework HttpExceptions', () => {
    expect(filter(new BadRequestException('Validation failed (uuid is expected)')).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed (uuid is expected)',
      code: 'BAD_REQUEST',
    });
  });

  it('answers malformed JSON (body-parser error) with a 400', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected end of JSON input'), { type: 'entity.parse.failed', status: 400 });
    expect(filter(parserError).body).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    expect(logged).not.toHaveBeenCalled();
  });

  it('logs unexpected errors and answers 500 without their details', () => {
    const out = filter(new Error('duplicate key value violates unique constraint "secret_table_pkey"'));
    expect(out.status).toBe(500);
    expect(out.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', code: 'INTERNAL' });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('secret_table_pkey'), expect.any(String));
  });
});
