import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../agents/agent.entity';
import { AuthenticatedRequest } from './auth-user';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { AuthService } from './auth.service';
import { IS_PUBLIC_KEY } from './public.decorator';
import { MIN_ROLE_KEY } from './roles.decorator';
import { assertRole } from './roles';

/**
 * Global guard (APP_GUARD): every HTTP route needs a valid bearer token unless
 * marked @Public(); @Roles(min) then requires that role or higher.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger(JwtAuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // APP_GUARD guards also run on gateway handlers; sockets authenticate once in handleConnection.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthException(AuthExceptionCode.Unauthenticated, 'A bearer token is required');
    const user = await this.auth.verifyToken(token);
    if (!user) {
      this.logger.debug(`Invalid or expired token on ${request.method} ${request.originalUrl}`);
      throw new AuthException(AuthExceptionCode.Unauthenticated, 'The bearer token is invalid or expired');
    }
    request.user = user;

    const minimum = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE_KEY, targets);
    if (minimum) assertRole(user, minimum);
    return true;
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
