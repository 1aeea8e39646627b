import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator';
import { TelephonyEventDto, TelephonyEventResult } from './telephony-event.dto';
import { TelephonySignatureGuard } from './telephony-signature.guard';
import { VoiceService } from './voice.service';

@ApiTags('telephony')
@Controller('telephony')
export class TelephonyController {
  constructor(private readonly voice: VoiceService) {}

  /** Signed call events (HMAC, not a bearer token); idempotent per (callId, type). */
  @Post('events')
  @Public()
  @UseGuards(TelephonySignatureGuard)
  @HttpCode(200)
  @ApiHeader({ name: 'X-Timestamp', description: 'Unix seconds; refused when more than 5 minutes away' })
  @ApiHeader({ name: 'X-Signature', description: 'sha256=<hex HMAC-SHA256(TELEPHONY_SECRET, timestamp + "." + raw body)>' })
  event(@Body() dto: TelephonyEventDto): Promise<TelephonyEventResult> {
    return this.voice.handle(dto);
  }
}
