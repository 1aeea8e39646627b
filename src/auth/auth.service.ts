import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenPayload, AuthUser } from './auth-user';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { LoginRateLimiter } from './login-rate-limiter';
import { LoginResponse } from './login.dto';
import { dummyPasswordHash, verifyPassword } from './password-hasher';
import { AgentsService } from '../agents/agents.service';
import { DirectoryService } from '../routing/directory.service';
import { normalizeEmail } from '../agents/agent-fields';
import { AgentEntity, ROLES } from '../agents/agent.entity';

/** One message for unknown email and wrong password: the API must not confirm which accounts exist. */
const BAD_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly agents: AgentsService,
    private readonly directory: DirectoryService,
    private readonly jwt: JwtService,
    private readonly limiter: LoginRateLimiter,
  ) {}

  /** Computes the dummy hash up front, so the first failed login is not slower than the others. */
  async onModuleInit(): Promise<void> {
    await dummyPasswordHash();
  }

  async login(rawEmail: string, password: string, clientIp: string): Promise<LoginResponse> {
    const email = normalizeEmail(rawEmail);
    const decision = this.limiter.hit(email, clientIp);
    if (!decision.allowed) {
      throw new AuthException(AuthExceptionCode.RateLimited, `Too many login attempts; retry in ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
    const agent = await this.agents.findByEmail(email);
    // Always run bcrypt, against a dummy hash for unknown emails, so timing does not reveal accounts.
    const valid = await verifyPassword(password, agent?.passwordHash ?? (await dummyPasswordHash()));
    if (!agent || !valid) {
      this.logger.warn(`Failed login for ${email} from ${clientIp}`);
      throw new AuthException(AuthExceptionCode.InvalidCredentials, BAD_CREDENTIALS);
    }
    this.limiter.reset(email, clientIp);
    this.logger.log(`Agent ${agent.id} logged in from ${clientIp}`);
    return { accessToken: await this.sign(agent), user: await this.agents.view(agent) };
  }

  sign(agent: AgentEntity): Promise<string> {
    const payload: AccessTokenPayload = { sub: agent.id, role: agent.role, name: agent.name };
    return this.jwt.signAsync(payload);
  }

  /**
   * The user a token stands for, or null (bad signature, expired, account
   * deleted). The role is re-read from the directory (Postgres, cached in step across nodes), so a demotion or deletion
   * takes effect at once rather than when the 12 h token expires. Used by the
   * HTTP guard and by the socket gateways' handshakes.
   */
  async verifyToken(token: string): Promise<AuthUser | null> {
    let payload: AccessTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload>(token);
    } catch (error) {
      this.logger.debug(`Rejected token: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    if (typeof payload.sub !== 'string' || !(ROLES as readonly string[]).includes(payload.role)) return null;
    // The in-memory directory (kept in step across nodes) answers without a database round trip;
    // an agent created a moment ago on another node may not be there yet: then ask Postgres.
    const agent = this.directory.agent(payload.sub) ?? (await this.agents.findById(payload.sub));
    if (!agent) return null;
    return { id: agent.id, email: agent.email, name: agent.name, role: agent.role };
  }
}
