import { AgentEntity, Role } from './agent.entity';
import { AgentException, AgentExceptionCode } from './agent.exception';
import { roleRank } from '../auth/roles';

/** Who is acting: an authenticated user, or the system itself (admin bootstrap). */
export interface AgentActor {
  id: string;
  role: Role;
}

/**
 * Only an admin creates supervisors and admins: otherwise a supervisor could
 * mint an admin account and take over the deployment.
 */
export function assertMayCreate(actor: AgentActor | null, role: Role): void {
  if (actor === null || actor.role === 'admin') return;
  if (role !== 'agent') {
    throw new AgentException(AgentExceptionCode.RoleNotGrantable, `Only an admin may create a ${role}`);
  }
}

/**
 * An admin may change anyone. Anyone else may change their own account and the
 * accounts of lower roles only: a supervisor resetting an admin's (or another
 * supervisor's) password would be an account takeover. Granting supervisor or
 * admin is for admins only.
 */
export function assertMayUpdate(actor: AgentActor, target: AgentEntity, newRole: Role | undefined): void {
  if (actor.role === 'admin') return;
  if (target.id !== actor.id && roleRank(target.role) >= roleRank(actor.role)) {
    throw new AgentException(AgentExceptionCode.NotManageable, `A ${actor.role} may not change a ${target.role}'s account`);
  }
  if (newRole !== undefined && newRole !== target.role && newRole !== 'agent') {
    throw new AgentException(AgentExceptionCode.RoleNotGrantable, `Only an admin may grant the ${newRole} role`);
  }
}
