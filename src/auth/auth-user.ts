import type { Request } from 'express';
import { Role } from '../agents/agent.entity';

/** The authenticated caller, as the guard attaches it to the request. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Claims of the access token. */
export interface AccessTokenPayload {
  sub: string;
  role: Role;
  name: string;
}

export interface AuthenticatedRequest extends Request {
  user?: AuthUser;
}
