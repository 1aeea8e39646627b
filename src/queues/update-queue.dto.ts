import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Channel, CHANNELS } from '../tasks/channel';
import { SKILL_NAME_PATTERN } from '../common/skill-name';
import { IsOptionalNotNull } from '../common/validation';
import { NormalizeSkills, NOT_UUID_PATTERN, QUEUE_NAME_MAX_LENGTH, TrimName } from './create-queue.dto';
import {
  MAX_OFFER_TIMEOUT_SECONDS,
  MAX_PREFERRED_AGENT_TIMEOUT_SECONDS,
  MAX_PRIORITY,
  MAX_QUEUE_SKILLS,
  MAX_SLA_SECONDS,
  MAX_WRAP_UP_SECONDS,
  MIN_OFFER_TIMEOUT_SECONDS,
} from './queue-defaults';

export class UpdateQueueDto {
  @ApiPropertyOptional({ maxLength: QUEUE_NAME_MAX_LENGTH })
  @IsOptionalNotNull() @TrimName() @IsString() @Length(1, QUEUE_NAME_MAX_LENGTH)
  @Matches(NOT_UUID_PATTERN, { message: 'name must not be a UUID (tasks refer to queues by id or name)' })
  name?: string;

  /** Accepted only when unchanged (see QueuesService.update): clients may send back the whole queue. */
  @ApiPropertyOptional({ enum: CHANNELS, description: 'Must equal the current channel (a queue never changes channel)' })
  @IsOptionalNotNull() @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ type: [String], description: 'Replaces the required skills; normalized' })
  @IsOptionalNotNull() @NormalizeSkills() @IsArray() @ArrayMaxSize(MAX_QUEUE_SKILLS)
  @IsString({ each: true })
  @Matches(SKILL_NAME_PATTERN, { each: true, message: `each skill must match ${SKILL_NAME_PATTERN.source}` })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRIORITY })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SLA_SECONDS })
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(MAX_SLA_SECONDS)
  slaSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_WRAP_UP_SECONDS })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_WRAP_UP_SECONDS)
  wrapUpSeconds?: number;

  @ApiPropertyOptional({ minimum: MIN_OFFER_TIMEOUT_SECONDS, maximum: MAX_OFFER_TIMEOUT_SECONDS })
  @IsOptionalNotNull() @IsInt() @Min(MIN_OFFER_TIMEOUT_SECONDS) @Max(MAX_OFFER_TIMEOUT_SECONDS)
  offerTimeoutSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PREFERRED_AGENT_TIMEOUT_SECONDS })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(MAX_PREFERRED_AGENT_TIMEOUT_SECONDS)
  preferredAgentTimeoutSeconds?: number;
}
