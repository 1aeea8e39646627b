import { AcdErrorKind, AcdException } from '../common/acd.exception';

export enum AgentExceptionCode {
  NotFound = 'AGENT_NOT_FOUND',
  EmailTaken = 'AGENT_EMAIL_TAKEN',
  RoleNotGrantable = 'AGENT_ROLE_NOT_GRANTABLE',
  NotManageable = 'AGENT_NOT_MANAGEABLE',
  LastAdmin = 'AGENT_LAST_ADMIN',
}

const KIND: Record<AgentExceptionCode, AcdErrorKind> = {
  [AgentExceptionCode.NotFound]: AcdErrorKind.NotFound,
  [AgentExceptionCode.EmailTaken]: AcdErrorKind.Conflict,
  [AgentExceptionCode.RoleNotGrantable]: AcdErrorKind.Forbidden,
  [AgentExceptionCode.NotManageable]: AcdErrorKind.Forbidden,
  [AgentExceptionCode.LastAdmin]: AcdErrorKind.Conflict,
};

export class AgentException extends AcdException {
  constructor(code: AgentExceptionCode, message: string) {
    super(code, KIND[code], message);
  }

  static notFound(id: string): AgentException {
    return new AgentException(AgentExceptionCode.NotFound, `Agent ${id} not found`);
  }

  static emailTaken(email: string): AgentException {
    return new AgentException(AgentExceptionCode.EmailTaken, `An agent with email ${email} already exists`);
  }
}
