import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp, logLevels } from './app.setup';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { useSocketAdapter } from './gateway/redis-io.adapter';

const logger = new Logger('Main');

async function bootstrap(): Promise<void> {
  // Validate the environment before Nest starts, so a bad variable is one clear message, not a DI stack trace.
  const config = loadConfigOrExit();
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: logLevels(config.logLevel),
    // Signed webhooks (telephony events) are verified against the exact bytes received.
    rawBody: true,
  });
  configureApp(app);
  await useSocketAdapter(app, config.redisUrl, config.redisPrefix);
  await app.listen(config.port);
  logger.log(`Blended ACD listening on port ${config.port} (API /api, docs /api/docs)`);
}

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

bootstrap().catch((error: unknown) => {
  // A config error surfacing later (wrapped by a module factory) still gets the short form.
  const config = findConfigError(error);
  if (config) process.stderr.write(`${config.message}\n`);
  else logger.error('Failed to start', error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

function findConfigError(error: unknown): ConfigValidationError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof ConfigValidationError) return current;
  }
  return null;
}
