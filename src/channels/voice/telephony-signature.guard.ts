import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { verifyTelephonySignature } from './telephony-signature';
import { VoiceException, VoiceExceptionCode } from './voice.exception';

/**
 * Telephony events are authenticated by their signature, not a bearer token
 * (the route is @Public). Runs before the validation pipe, so an unsigned
 * request is a 401 whatever its body, and nothing is read or changed.
 * Needs the raw body: the app is created with `rawBody: true`.
 */
@Injectable()
export class TelephonySignatureGuard implements CanActivate {
  private readonly logger = new Logger(TelephonySignatureGuard.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const secret = this.config.telephonySecret;
    if (!secret) throw new VoiceException(VoiceExceptionCode.NOT_CONFIGURED, 'TELEPHONY_SECRET is not set: telephony events are refused');
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    const check = verifyTelephonySignature({
      secret,
      timestamp: header(request, 'x-timestamp'),
      signature: header(request, 'x-signature'),
      rawBody: request.rawBody,
      nowMs: Date.now(),
    });
    if (check === 'ok') return true;
    this.logger.warn(`telephony event refused (${check}) from ${request.ip}`);
    if (check === 'stale') throw new VoiceException(VoiceExceptionCode.TIMESTAMP_STALE, 'X-Timestamp is more than 5 minutes away from now');
    throw new VoiceException(VoiceExceptionCode.SIGNATURE_INVALID, 'X-Timestamp and a valid X-Signature are required');
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
