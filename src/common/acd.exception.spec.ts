import { Logger } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { AcdErrorKind, AcdException, httpStatusOf, ValidationException } from './acd.exception';
import { toWsError, validatePayload, wsHandle } from './ws-validation';

class PingDto {
  @IsInt() @Min(1)
  count: number;
}

const silentLogger = (): Logger => {
  const logger = new Logger('test');
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  return logger;
};

describe('error model', () => {
  it('maps every kind to an HTTP status', () => {
    const statuses = Object.values(AcdErrorKind).map((kind) => httpStatusOf(kind));
    expect(statuses).toEqual([400, 401, 403, 404, 409, 429, 503, 500]);
  });

  it('keeps the domain code and validation details', () => {
    const error = new ValidationException(['a must be x', 'b must be y']);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe('a must be x; b must be y');
    expect(error.details).toEqual(['a must be x', 'b must be y']);
  });
});

describe('socket validation helpers', () => {
  it('validates a payload and answers a failure ack instead of throwing', async () => {
    await expect(validatePayload(PingDto, { count: 2 })).resolves.toEqual({ ok: true, value: expect.objectContaining({ count: 2 }) });
    await expect(validatePayload(PingDto, { count: 0, extra: 1 })).resolves.toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'property extra should not exist; count must not be less than 1',
        details: ['property extra should not exist', 'count must not be less than 1'],
      },
    });
    await expect(validatePayload(PingDto, 'hello')).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('turns domain, framework and unexpected errors into ack errors without internals', () => {
    const logger = silentLogger();
    expect(toWsError(new AcdException('OFFER_GONE', AcdErrorKind.NotFound, 'Offer expired'), logger)).toEqual({ code: 'OFFER_GONE', message: 'Offer expired' });
    expect(toWsError(new NotFoundException('nope'), logger)).toEqual({ code: 'NOT_FOUND', message: 'nope' });
    const internal = toWsError(new Error('relation "x" does not exist'), logger);
    expect(internal.code).toBe('INTERNAL');
    expect(internal.message).not.toMatch(/relation/);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('wsHandle validates, runs and shapes the ack', async () => {
    const logger = silentLogger();
    await expect(wsHandle(logger, PingDto, { count: 3 }, async (dto) => ({ pong: dto.count }))).resolves.toEqual({ ok: true, pong: 3 });
    await expect(wsHandle(logger, PingDto, {}, async () => ({ pong: 0 }))).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await expect(
      wsHandle(logger, PingDto, { count: 1 }, async () => {
        throw new AcdException('BUSY', AcdErrorKind.Conflict, 'Agent busy');
      }),
    ).resolves.toEqual({ ok: false, error: { code: 'BUSY', message: 'Agent busy' } });
  });
});
