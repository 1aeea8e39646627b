import type { Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { hasRole } from '../auth/roles';
import { Role } from '../agents/agent.entity';

/**
 * Authenticates a socket from its handshake (`auth: {token}`, or a bearer
 * Authorization header). On failure the client gets an `error` event it can
 * show, then the socket is closed.
 */
export async function authenticateSocket(socket: Socket, auth: AuthService, minimum: Role): Promise<AuthUser | null> {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  const header = socket.handshake.headers.authorization;
  const token = typeof fromAuth === 'string' ? fromAuth : header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  const user = token ? await auth.verifyToken(token) : null;
  if (!user || !hasRole(user.role, minimum)) {
    socket.emit('error', {
      code: user ? 'FORBIDDEN' : 'UNAUTHENTICATED',
      message: user ? `This namespace requires the ${minimum} role` : 'A valid access token is required (handshake auth.token)',
    });
    socket.disconnect(true);
    return null;
  }
  socket.data.user = user;
  return user;
}

export function socketUser(socket: Socket): AuthUser {
  return socket.data.user as AuthUser;
}
