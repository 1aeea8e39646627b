import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadConfig } from './app-config';

/** Provides the validated AppConfig (inject with `@Inject(APP_CONFIG)`). */
@Global()
@Module({})
export class AppConfigModule {
  /** `config` overrides the environment (tests boot the app with their own settings). */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useFactory: () => config ?? loadConfig() }],
      exports: [APP_CONFIG],
    };
  }
}
