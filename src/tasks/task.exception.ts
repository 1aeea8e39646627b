import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum TaskExceptionCode {
  TASK_NOT_FOUND = 'TASK_NOT_FOUND',
  QUEUE_NOT_FOUND = 'TASK_QUEUE_NOT_FOUND',
  CHANNEL_MISMATCH = 'TASK_CHANNEL_MISMATCH',
  AGENT_NOT_FOUND = 'TASK_AGENT_NOT_FOUND',
  NOT_YOURS = 'TASK_NOT_YOURS',
  WRONG_STATUS = 'TASK_WRONG_STATUS',
  BAD_TRANSFER = 'TASK_BAD_TRANSFER',
}

const KIND: Record<TaskExceptionCode, AcdErrorKind> = {
  [TaskExceptionCode.TASK_NOT_FOUND]: AcdErrorKind.NotFound,
  [TaskExceptionCode.QUEUE_NOT_FOUND]: AcdErrorKind.BadRequest,
  [TaskExceptionCode.CHANNEL_MISMATCH]: AcdErrorKind.BadRequest,
  [TaskExceptionCode.AGENT_NOT_FOUND]: AcdErrorKind.BadRequest,
  [TaskExceptionCode.NOT_YOURS]: AcdErrorKind.Forbidden,
  [TaskExceptionCode.WRONG_STATUS]: AcdErrorKind.Conflict,
  [TaskExceptionCode.BAD_TRANSFER]: AcdErrorKind.BadRequest,
};

export class TaskException extends AcdException {
  constructor(code: TaskExceptionCode, message: string) {
    super(code, KIND[code], message);
  }
}
