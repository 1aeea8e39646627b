import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum QueueExceptionCode {
  NotFound = 'QUEUE_NOT_FOUND',
  NameTaken = 'QUEUE_NAME_TAKEN',
  ChannelImmutable = 'QUEUE_CHANNEL_IMMUTABLE',
}

const KIND: Record<QueueExceptionCode, AcdErrorKind> = {
  [QueueExceptionCode.NotFound]: AcdErrorKind.NotFound,
  [QueueExceptionCode.NameTaken]: AcdErrorKind.Conflict,
  [QueueExceptionCode.ChannelImmutable]: AcdErrorKind.BadRequest,
};

export class QueueException extends AcdException {
  constructor(code: QueueExceptionCode, message: string) {
    super(code, KIND[code], message);
  }

  static notFound(idOrName: string): QueueException {
    return new QueueException(QueueExceptionCode.NotFound, `Queue ${idOrName} not found`);
  }

  static nameTaken(name: string): QueueException {
    return new QueueException(QueueExceptionCode.NameTaken, `A queue named "${name}" already exists`);
  }
}
