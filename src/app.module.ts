import { DynamicModule, Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module';
import { AuthModule } from './auth/auth.module';
import { BlendingModule } from './blending/blending.module';
import { ChatModule } from './channels/chat/chat.module';
import { EmailModule } from './channels/email/email.module';
import { VoiceModule } from './channels/voice/voice.module';
import { ClientModule } from './client/client.module';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { QualityModule } from './quality/quality.module';
import { QueuesModule } from './queues/queues.module';
import { ReportsModule } from './reports/reports.module';
import { RoutingModule } from './routing/routing.module';
import { StateModule } from './state/state.module';
import { StatsModule } from './stats/stats.module';
import { SurveysModule } from './surveys/surveys.module';
import { TasksModule } from './tasks/tasks.module';
import { TemplatesModule } from './templates/templates.module';

/**
 * The whole application. `config` replaces the environment (tests boot the
 * real AppModule with their own database, Redis prefix and secrets).
 */
@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule,
        StateModule,
        RoutingModule,
        AuthModule,
        AgentsModule,
        QueuesModule,
        TasksModule,
        GatewayModule,
        BlendingModule,
        StatsModule,
        ReportsModule,
        QualityModule,
        SurveysModule,
        CustomersModule,
        ConversationsModule,
        TemplatesModule,
        VoiceModule,
        ChatModule,
        EmailModule,
        HealthModule,
        ClientModule,
      ],
    };
  }
}
