import type { Socket } from 'socket.io';
import { AuthUser } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { hasRole } from '../auth/roles';
import { Role } from '../agents/agent.entity';
import { AuthException, AuthExceptionCode } from '../auth/auth.exception';

/**
 * Authenticates a socket from its handshake (`auth: {token}`, or a bearer
 * Authorization header). On failure the client gets an `error` event it can
 * show, then the socket is closed.
 *
 * The check is asynchronous (the token's agent is read from Postgres) while a
 * client may emit as soon as it is connected, so the pending result is kept on
 * the socket at once and every handler awaits it (`socketUser`).
 */
export function authenticateSocket(socket: Socket, auth: AuthService, minimum: Role): Promise<AuthUser | null> {
  const pending = verify(socket, auth, minimum);
  socket.data.auth = pending;
  return pending;
}

async function verify(socket: Socket, auth: AuthService, minimum: Role): Promise<AuthUser | null> {
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

/** The socket's authenticated user, once its handshake check is done. */
export async function socketUser(socket: Socket): Promise<AuthUser> {
  const user = await (socket.data.auth as Promise<AuthUser | null> | undefined);
  if (!user) throw new AuthException(AuthExceptionCode.Unauthenticated, 'This socket is not authenticated');
  return user;
}
