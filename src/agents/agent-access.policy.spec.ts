import { AgentEntity, Role } from './agent.entity';
import { assertMayCreate, assertMayUpdate } from './agent-access.policy';
import { AgentException, AgentExceptionCode } from './agent.exception';

const target = (id: string, role: Role): AgentEntity => Object.assign(new AgentEntity(), { id, role });

function codeOf(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    if (error instanceof AgentException) return error.code;
    throw error;
  }
}

describe('agent access policy', () => {
  const supervisor = { id: 's1', role: 'supervisor' as const };
  const admin = { id: 'ad1', role: 'admin' as const };

  it('lets only an admin (or the system) create supervisors and admins', () => {
    expect(codeOf(() => assertMayCreate(supervisor, 'agent'))).toBeNull();
    expect(codeOf(() => assertMayCreate(supervisor, 'supervisor'))).toBe(AgentExceptionCode.RoleNotGrantable);
    expect(codeOf(() => assertMayCreate(supervisor, 'admin'))).toBe(AgentExceptionCode.RoleNotGrantable);
    expect(codeOf(() => assertMayCreate(admin, 'admin'))).toBeNull();
    expect(codeOf(() => assertMayCreate(null, 'admin'))).toBeNull();
  });

  it('lets a supervisor change agents and itself, not peers or admins', () => {
    expect(codeOf(() => assertMayUpdate(supervisor, target('a1', 'agent'), undefined))).toBeNull();
    expect(codeOf(() => assertMayUpdate(supervisor, target('s1', 'supervisor'), undefined))).toBeNull();
    expect(codeOf(() => assertMayUpdate(supervisor, target('s2', 'supervisor'), undefined))).toBe(AgentExceptionCode.NotManageable);
    expect(codeOf(() => assertMayUpdate(supervisor, target('ad1', 'admin'), undefined))).toBe(AgentExceptionCode.NotManageable);
  });

  it('lets only an admin grant supervisor or admin', () => {
    expect(codeOf(() => assertMayUpdate(supervisor, target('a1', 'agent'), 'supervisor'))).toBe(AgentExceptionCode.RoleNotGrantable);
    expect(codeOf(() => assertMayUpdate(supervisor, target('s1', 'supervisor'), 'admin'))).toBe(AgentExceptionCode.RoleNotGrantable);
    expect(codeOf(() => assertMayUpdate(supervisor, target('a1', 'agent'), 'agent'))).toBeNull();
    expect(codeOf(() => assertMayUpdate(admin, target('a1', 'agent'), 'admin'))).toBeNull();
  });

  it('maps its refusals to 403', () => {
    expect(new AgentException(AgentExceptionCode.RoleNotGrantable, 'x').httpStatus).toBe(403);
    expect(new AgentException(AgentExceptionCode.EmailTaken, 'x').httpStatus).toBe(409);
  });
});
