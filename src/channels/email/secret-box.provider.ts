import { Provider } from '@nestjs/common';
import { resolveJwtSecret } from '../../auth/jwt-secret';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SecretBox } from './secret-box';

/** ACD_SECRETS_KEY, else the JWT signing secret (env or the generated file): stable across restarts either way. */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig) => new SecretBox(config.secretsKey ?? (await resolveJwtSecret(config))),
};
