import { AcdErrorKind, AcdException } from '../../common/acd.exception';

export enum VoiceExceptionCode {
  SIGNATURE_INVALID = 'TELEPHONY_SIGNATURE_INVALID',
  TIMESTAMP_STALE = 'TELEPHONY_TIMESTAMP_STALE',
  NOT_CONFIGURED = 'TELEPHONY_NOT_CONFIGURED',
  NO_ROUTE = 'VOICE_NO_ROUTE',
  QUEUE_NOT_FOUND = 'VOICE_QUEUE_NOT_FOUND',
  NOT_A_VOICE_QUEUE = 'VOICE_NOT_A_VOICE_QUEUE',
  ROUTE_NOT_FOUND = 'CALL_ROUTE_NOT_FOUND',
  ROUTE_TAKEN = 'CALL_ROUTE_TAKEN',
  BAD_NUMBER = 'CALL_ROUTE_BAD_NUMBER',
  CALL_NOT_FOUND = 'CALL_NOT_FOUND',
  NOT_A_CALL = 'CALL_NOT_A_CALL',
  CALL_NOT_YOURS = 'CALL_NOT_YOURS',
  CALL_NOT_ACTIVE = 'CALL_NOT_ACTIVE',
  CALL_ALREADY_HELD = 'CALL_ALREADY_HELD',
  CALL_NOT_HELD = 'CALL_NOT_HELD',
  TELEPHONY_UNREACHABLE = 'TELEPHONY_UNREACHABLE',
}

const KIND: Record<VoiceExceptionCode, AcdErrorKind> = {
  [VoiceExceptionCode.SIGNATURE_INVALID]: AcdErrorKind.Unauthorized,
  [VoiceExceptionCode.TIMESTAMP_STALE]: AcdErrorKind.Unauthorized,
  [VoiceExceptionCode.NOT_CONFIGURED]: AcdErrorKind.Unavailable,
  [VoiceExceptionCode.NO_ROUTE]: AcdErrorKind.BadRequest,
  [VoiceExceptionCode.QUEUE_NOT_FOUND]: AcdErrorKind.BadRequest,
  [VoiceExceptionCode.NOT_A_VOICE_QUEUE]: AcdErrorKind.BadRequest,
  [VoiceExceptionCode.ROUTE_NOT_FOUND]: AcdErrorKind.NotFound,
  [VoiceExceptionCode.ROUTE_TAKEN]: AcdErrorKind.Conflict,
  [VoiceExceptionCode.BAD_NUMBER]: AcdErrorKind.BadRequest,
  [VoiceExceptionCode.CALL_NOT_FOUND]: AcdErrorKind.NotFound,
  [VoiceExceptionCode.NOT_A_CALL]: AcdErrorKind.BadRequest,
  [VoiceExceptionCode.CALL_NOT_YOURS]: AcdErrorKind.Forbidden,
  [VoiceExceptionCode.CALL_NOT_ACTIVE]: AcdErrorKind.Conflict,
  [VoiceExceptionCode.CALL_ALREADY_HELD]: AcdErrorKind.Conflict,
  [VoiceExceptionCode.CALL_NOT_HELD]: AcdErrorKind.Conflict,
  [VoiceExceptionCode.TELEPHONY_UNREACHABLE]: AcdErrorKind.Unavailable,
};

export class VoiceException extends AcdException {
  constructor(code: VoiceExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
