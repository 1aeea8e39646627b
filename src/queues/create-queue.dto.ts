import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Channel, CHANNELS } from '../tasks/channel';
import { normalizeSkillList, SKILL_NAME_PATTERN } from '../common/skill-name';
import {
  MAX_OFFER_TIMEOUT_SECONDS,
  MAX_PREFERRED_AGENT_TIMEOUT_SECONDS,
  MAX_PRIORITY,
  MAX_QUEUE_SKILLS,
  MAX_SLA_SECONDS,
  MAX_WRAP_UP_SECONDS,
  MIN_OFFER_TIMEOUT_SECONDS,
} from './queue-defaults';

export const QUEUE_NAME_MAX_LENGTH = 100;
/** Tasks name their queue by id or name, so a name shaped like a UUID would be ambiguous. */
export const NOT_UUID_PATTERN = /^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)/i;

export const TrimName = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Lowercase, unique, sorted before validation; non-strings are left for the validators to reject. */
export const NormalizeSkills = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) && value.every((skill): skill is string => typeof skill === 'string') ? normalizeSkillList(value) : value,
  );

export class CreateQueueDto {
  @ApiProperty({ example: 'support-fr', maxLength: QUEUE_NAME_MAX_LENGTH, description: 'Unique; tasks may name their queue by it' })
  @TrimName() @IsString() @Length(1, QUEUE_NAME_MAX_LENGTH)
  @Matches(NOT_UUID_PATTERN, { message: 'name must not be a UUID (tasks refer to queues by id or name)' })
  name: string;

  @ApiProperty({ enum: CHANNELS, description: 'Cannot be changed after creation' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ type: [String], example: ['billing', 'french'], description: 'Required skills; normalized to lowercase, unique, sorted' })
  @IsOptional() @NormalizeSkills() @IsArray() @ArrayMaxSize(MAX_QUEUE_SKILLS)
  @IsString({ each: true })
  @Matches(SKILL_NAME_PATTERN, { each: true, message: `each skill must match ${SKILL_NAME_PATTERN.source}` })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRIORITY, default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SLA_SECONDS, description: 'Default: voice 20, chat 60, email 86400' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SLA_SECONDS)
  slaSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_WRAP_UP_SECONDS, default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_WRAP_UP_SECONDS)
  wrapUpSeconds?: number;

  @ApiPropertyOptional({ minimum: MIN_OFFER_TIMEOUT_SECONDS, maximum: MAX_OFFER_TIMEOUT_SECONDS, description: 'Default: voice 15, chat 30, email 60' })
  @IsOptional() @IsInt() @Min(MIN_OFFER_TIMEOUT_SECONDS) @Max(MAX_OFFER_TIMEOUT_SECONDS)
  offerTimeoutSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PREFERRED_AGENT_TIMEOUT_SECONDS, default: 30 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_PREFERRED_AGENT_TIMEOUT_SECONDS)
  preferredAgentTimeoutSeconds?: number;
}
