import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AgentsModule } from '../agents/agents.module';
import { RoutingModule } from '../routing/routing.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { resolveJwtSecret } from './jwt-secret';
import { LoginRateLimiter } from './login-rate-limiter';

/** Access tokens expire after a working day: a shift never has to log in twice. */
export const ACCESS_TOKEN_TTL = '12h';

/**
 * Login, token verification (AuthService, exported for the socket gateways),
 * the global bearer-token guard, and the admin bootstrap.
 * Needs from outside: the global APP_CONFIG and what AgentsModule needs.
 */
@Module({
  imports: [
    AgentsModule,
    RoutingModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => ({
        // A KeyObject: given a string, jsonwebtoken first tries to parse it as a PEM key on every sign and verify.
        secret: createSecretKey(Buffer.from(await resolveJwtSecret(config), 'utf8')),
        signOptions: { expiresIn: ACCESS_TOKEN_TTL, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AdminBootstrapService,
    { provide: LoginRateLimiter, useFactory: () => new LoginRateLimiter() },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
