import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AgentsService } from '../agents/agents.service';
import { AgentException, AgentExceptionCode } from '../agents/agent.exception';
import { generatePassword } from './password-hasher';

export const DEFAULT_ADMIN_EMAIL = 'admin@acd.local';

/**
 * Makes sure a fresh deployment can be administered: when no admin exists,
 * creates one from ACD_ADMIN_EMAIL / ACD_ADMIN_PASSWORD, or `admin@acd.local`
 * with a random password printed once in the log. Never changes the password
 * of an existing account (the env password is only an initial one).
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agents: AgentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.agents.hasAdmin()) return;
    const email = this.config.adminEmail ?? DEFAULT_ADMIN_EMAIL;

    const existing = await this.agents.findByEmail(email);
    if (existing) {
      // The configured admin email belongs to a lesser account: promote it, keep its password.
      await this.agents.promoteToAdmin(existing);
      this.logger.warn(`No admin existed: promoted the existing account ${existing.email} to admin (its password is unchanged)`);
      return;
    }

    const generated = this.config.adminPassword === null;
    const password = this.config.adminPassword ?? generatePassword();
    try {
      await this.agents.create({ name: 'Administrator', email, password, role: 'admin' }, null);
    } catch (error) {
      if (error instanceof AgentException && error.code === AgentExceptionCode.EmailTaken) {
        // Another node bootstrapped the same admin at the same moment: nothing left to do.
        this.logger.log(`Admin ${email} was created concurrently by another node`);
        return;
      }
      throw error;
    }
    if (generated) {
      this.logger.warn(
        [
          '',
          '================================================================',
          ' Initial administrator created (this is shown only once):',
          `   email:    ${email}`,
          `   password: ${password}`,
          ' Log in and change it, or set ACD_ADMIN_EMAIL/ACD_ADMIN_PASSWORD.',
          '================================================================',
        ].join('\n'),
      );
    } else {
      this.logger.log(`Initial administrator ${email} created from ACD_ADMIN_EMAIL/ACD_ADMIN_PASSWORD`);
    }
  }
}
