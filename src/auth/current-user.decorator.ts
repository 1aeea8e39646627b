import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { AuthenticatedRequest, AuthUser } from './auth-user';

/** The caller authenticated by the global guard. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  // Only reachable on a @Public() route that asked for a user: treat as unauthenticated, not as a 500.
  if (!user) throw new AuthException(AuthExceptionCode.Unauthenticated, 'Authentication required');
  return user;
});
