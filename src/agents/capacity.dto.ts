import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ChannelCounts } from '../tasks/channel';
import { IsOptionalNotNull } from '../common/validation';

export const MAX_CAPACITY = 20;

/** Default capacity of a new agent: one call, three chats, two emails at a time. */
export const DEFAULT_CAPACITY: ChannelCounts = { voice: 1, chat: 3, email: 2 };

/** How many tasks of each channel an agent may hold at once; omitted channels keep their current (or default) value. */
export class CapacityDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAPACITY, example: 1 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_CAPACITY)
  voice?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAPACITY, example: 3 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_CAPACITY)
  chat?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CAPACITY, example: 2 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_CAPACITY)
  email?: number;
}

export function mergeCapacity(base: ChannelCounts, patch: CapacityDto | undefined): ChannelCounts {
  return {
    voice: patch?.voice ?? base.voice,
    chat: patch?.chat ?? base.chat,
    email: patch?.email ?? base.email,
  };
}
