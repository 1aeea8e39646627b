import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum SurveyExceptionCode {
  NotFound = 'SURVEY_NOT_FOUND',
  AlreadyAnswered = 'SURVEY_ALREADY_ANSWERED',
  NotEligible = 'SURVEY_NOT_ELIGIBLE',
}

const KIND: Record<SurveyExceptionCode, AcdErrorKind> = {
  [SurveyExceptionCode.NotFound]: AcdErrorKind.NotFound,
  [SurveyExceptionCode.AlreadyAnswered]: AcdErrorKind.Conflict,
  [SurveyExceptionCode.NotEligible]: AcdErrorKind.BadRequest,
};

export class SurveyException extends AcdException {
  constructor(code: SurveyExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
