import { Role, ROLES } from '../agents/agent.entity';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { AuthUser } from './auth-user';

/** Rank of each role: `agent < supervisor < admin` (ROLES is declared in that order). */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** True when `role` is `minimum` or a higher role. */
export function hasRole(role: Role, minimum: Role): boolean {
  const rank = roleRank(role);
  return rank >= 0 && rank >= roleRank(minimum);
}

/** Throws 403 unless the user is `minimum` or higher. */
export function assertRole(user: AuthUser, minimum: Role): void {
  if (!hasRole(user.role, minimum)) {
    throw new AuthException(AuthExceptionCode.Forbidden, `This action requires the ${minimum} role`);
  }
}

/** Throws 403 unless the user is the agent `agentId` itself or at least `minimum`. */
export function assertSelfOrRole(user: AuthUser, agentId: string, minimum: Role): void {
  if (user.id !== agentId) assertRole(user, minimum);
}
