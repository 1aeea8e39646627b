import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum QualityExceptionCode {
  BadPeriod = 'QUALITY_BAD_PERIOD',
  TaskNotHandled = 'QUALITY_TASK_NOT_HANDLED',
  BadCriteria = 'QUALITY_BAD_CRITERIA',
  SampleNotFound = 'QUALITY_SAMPLE_NOT_FOUND',
  TaskNotInSample = 'QUALITY_TASK_NOT_IN_SAMPLE',
}

const KIND: Record<QualityExceptionCode, AcdErrorKind> = {
  [QualityExceptionCode.BadPeriod]: AcdErrorKind.BadRequest,
  [QualityExceptionCode.TaskNotHandled]: AcdErrorKind.NotFound,
  [QualityExceptionCode.BadCriteria]: AcdErrorKind.BadRequest,
  [QualityExceptionCode.SampleNotFound]: AcdErrorKind.NotFound,
  [QualityExceptionCode.TaskNotInSample]: AcdErrorKind.BadRequest,
};

export class QualityException extends AcdException {
  constructor(code: QualityExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
