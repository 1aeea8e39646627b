import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { CHANNELS, Channel } from '../channel';
import { TASK_STATUSES, TaskStatus } from '../task-status';
import { MAX_PRIORITY } from '../../routing/virtual-deadline';

const SKILL_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const normalizeSkills = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((skill) => (typeof skill === 'string' ? skill.trim().toLowerCase() : skill)) : value;

export class CreateTaskDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ description: "The queue's id or name" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  queue: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRIORITY, description: "Added to the queue's priority" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ type: [String], description: "Skills required beyond the queue's" })
  @IsOptional()
  @Transform(normalizeSkills)
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(SKILL_PATTERN, { each: true, message: 'each skill must match ^[a-z0-9][a-z0-9_.-]{0,63}$' })
  skills?: string[];

  @ApiPropertyOptional({ description: 'Sticky agent: offered first until the queue’s preference timeout' })
  @IsOptional()
  @IsUUID()
  preferredAgentId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Caller’s id; creating twice with it returns the first task' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export class ListTasksQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: "The queue's id or name" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class TransferTaskDto {
  @ApiPropertyOptional({ description: "Target queue's id or name" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional({ description: 'Target agent (directed transfer)' })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class CompleteTaskDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  taskId: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  disposition?: string;
}
