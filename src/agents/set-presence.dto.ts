import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { PRESENCE_STATES, PresenceState } from '../presence/presence-state';
import { Trim } from './agent-fields';

export class SetPresenceDto {
  @ApiProperty({ enum: PRESENCE_STATES, example: 'available' })
  @IsIn(PRESENCE_STATES)
  state: PresenceState;

  @ApiPropertyOptional({ example: 'lunch', nullable: true, description: 'Why the agent is away (shown to supervisors)' })
  @IsOptional() @Trim() @IsString() @Length(1, 100)
  reason?: string | null;
}
