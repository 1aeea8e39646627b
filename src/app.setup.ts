import { INestApplication, LogLevel, RequestMethod, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';
import { ValidationException } from './common/acd.exception';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { flattenValidationErrors } from './common/validation';

export const API_PREFIX = 'api';
export const DOCS_PATH = `${API_PREFIX}/docs`;

/**
 * Everything about the HTTP surface that is not a module: shared by main.ts
 * and the e2e tests so both serve exactly the same API.
 */
export function configureApp(app: INestApplication): INestApplication {
  // Templates carry attachments (up to 2 MB decoded, base64 in JSON); everything else is far smaller.
  (app as NestExpressApplication).useBodyParser('json', { limit: '4mb' });
  // Health probes stay at /health/* so orchestrators need no knowledge of the API prefix.
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors: ValidationError[]) => new ValidationException(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  // CORS stays off: the softphone is served by this same process (same origin).
  setUpOpenApi(app);
  app.enableShutdownHooks();
  return app;
}

function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Blended ACD')
    .setDescription('Universal queue for calls, chats and emails. Errors are `{statusCode, error, message, code}`.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Served at /api/docs (UI) and /api/docs-json; registered on the HTTP adapter, so outside the auth guard.
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}

/** LOG_LEVEL names the most verbose level shown. */
export function logLevels(level: AppConfig['logLevel']): LogLevel[] {
  const ordered: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return ordered.slice(0, ordered.indexOf(level) + 1);
}
