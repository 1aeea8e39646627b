import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

const MAX_CAP = 20;

/** Policy-level caps per channel (an omitted channel has no cap). */
export class ChannelCapsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAP })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CAP)
  voice?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAP })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CAP)
  chat?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAP })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_CAP)
  email?: number;
}

/** One team's overrides (validated by hand for each entry of `teams`: class-validator cannot type a map's values). */
export class TeamOverrideDto {
  @IsArray() @ArrayMaxSize(10_000) @IsUUID('all', { each: true })
  members: string[];

  @IsOptional() @IsInt() @Min(0) @Max(10_000)
  lullMaxVoiceWaiting?: number;

  @IsOptional() @IsInt() @Min(0) @Max(86_400)
  lullMaxVoiceWaitSeconds?: number;

  @IsOptional() @IsInt() @Min(0) @Max(100)
  emailSlaGuardPercent?: number;

  @IsOptional() @ValidateNested() @Type(() => ChannelCapsDto)
  channelCapacity?: ChannelCapsDto;
}

/** PUT /api/blending: any subset; `channelCapacity` and `teams` replace the whole value when given. */
export class UpdateBlendingDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, description: 'Lull: at most this many calls waiting' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(10_000)
  lullMaxVoiceWaiting?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86_400, description: 'Lull: the oldest waiting call has waited at most this long' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(86_400)
  lullMaxVoiceWaitSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000, description: 'Agents kept ready for calls (no email/chat)' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(10_000)
  voiceReserveAgents?: number;

  @ApiPropertyOptional({ description: 'An agent working emails may be offered a call (the emails are parked)' })
  @IsOptionalNotNull() @IsBoolean()
  interruptibleEmail?: boolean;

  @ApiPropertyOptional({ description: 'Chats and a call at the same time: an agent on a call may be offered chats, and one with chats a call' })
  @IsOptionalNotNull() @IsBoolean()
  chatDuringCalls?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Offer an email outside a lull once it has waited this share of its SLA' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(100)
  emailSlaGuardPercent?: number;

  @ApiPropertyOptional({ type: ChannelCapsDto, description: 'Caps per channel on top of each agent’s capacity; replaces the whole map' })
  @IsOptionalNotNull() @ValidateNested() @Type(() => ChannelCapsDto)
  channelCapacity?: ChannelCapsDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Team name → {members: agentIds, lullMaxVoiceWaiting?, lullMaxVoiceWaitSeconds?, emailSlaGuardPercent?, channelCapacity?}; replaces all teams',
  })
  @IsOptionalNotNull() @IsObject()
  teams?: Record<string, unknown>;
}
