import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

/** The built client if there is one (client-softphone/dist), else its placeholder page. */
const root = join(__dirname, '..', '..', 'client-softphone');
const served = existsSync(join(root, 'dist', 'index.html')) ? join(root, 'dist') : join(root, 'public');

/** Serves the web client at `/` (the API and health routes are not shadowed). */
@Module({
  imports: [ServeStaticModule.forRoot({ rootPath: served, exclude: ['/api/{*path}', '/health/{*path}'] })],
})
export class ClientModule {}
