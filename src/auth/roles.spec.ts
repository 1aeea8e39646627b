import { assertRole, assertSelfOrRole, hasRole, roleRank } from './roles';
import { AuthException } from './auth.exception';
import { AuthUser } from './auth-user';

const user = (role: AuthUser['role'], id = 'u1'): AuthUser => ({ id, role, email: `${id}@x.test`, name: id });

describe('role ordering', () => {
  it('ranks agent < supervisor < admin', () => {
    expect(roleRank('agent')).toBeLessThan(roleRank('supervisor'));
    expect(roleRank('supervisor')).toBeLessThan(roleRank('admin'));
  });

  it.each([
    ['agent', 'agent', true],
    ['agent', 'supervisor', false],
    ['agent', 'admin', false],
    ['supervisor', 'agent', true],
    ['supervisor', 'supervisor', true],
    ['supervisor', 'admin', false],
    ['admin', 'agent', true],
    ['admin', 'supervisor', true],
    ['admin', 'admin', true],
  ] as const)('%s meets minimum %s: %s', (role, minimum, expected) => {
    expect(hasRole(role, minimum)).toBe(expected);
  });

  it('rejects with a 403 AuthException below the minimum', () => {
    expect(() => assertRole(user('agent'), 'supervisor')).toThrow(AuthException);
    try {
      assertRole(user('agent'), 'supervisor');
    } catch (error) {
      expect((error as AuthException).httpStatus).toBe(403);
    }
  });

  it('lets an agent act on itself but not on another agent', () => {
    expect(() => assertSelfOrRole(user('agent', 'a1'), 'a1', 'supervisor')).not.toThrow();
    expect(() => assertSelfOrRole(user('agent', 'a1'), 'a2', 'supervisor')).toThrow(AuthException);
    expect(() => assertSelfOrRole(user('supervisor', 's1'), 'a2', 'supervisor')).not.toThrow();
  });
});
