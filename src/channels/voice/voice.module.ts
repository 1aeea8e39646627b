import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConversationsModule } from '../../conversations/conversations.module';
import { CustomersModule } from '../../customers/customers.module';
import { RoutingModule } from '../../routing/routing.module';
import { TaskEntity } from '../../tasks/task.entity';
import { CallConnectService } from './call-connect.service';
import { CallControlController } from './call-control.controller';
import { CallControlService } from './call-control.service';
import { CallRouteEntity } from './call-route.entity';
import { CallRoutesController } from './call-routes.controller';
import { CallRoutesService } from './call-routes.service';
import { TelephonyController } from './telephony.controller';
import { TelephonyEventEntity } from './telephony-event.entity';
import { TelephonySignatureGuard } from './telephony-signature.guard';
import { TelephonyWebhookClient } from './telephony-webhook.client';
import { VoiceService } from './voice.service';

/** The voice channel: signed telephony events in, signed call.assign / hold / resume / hangup out, call routes, call control. */
@Module({
  imports: [
    TypeOrmModule.forFeature([TelephonyEventEntity, CallRouteEntity, TaskEntity]),
    RoutingModule,
    CustomersModule,
    ConversationsModule,
  ],
  controllers: [TelephonyController, CallRoutesController, CallControlController],
  providers: [VoiceService, CallRoutesService, CallConnectService, CallControlService, TelephonyWebhookClient, TelephonySignatureGuard],
})
export class VoiceModule {}
