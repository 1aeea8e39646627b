import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { CHANNELS, Channel } from '../tasks/channel';

export class CreateSampleDto {
  @ApiProperty({ description: 'Start of the period (inclusive), ISO 8601' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ description: 'End of the period (exclusive), ISO 8601' })
  @IsISO8601({ strict: true })
  to: string;

  @ApiProperty({ minimum: 1, maximum: 200, description: 'How many handled tasks to pick at random' })
  @IsInt() @Min(1) @Max(200)
  count: number;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional() @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'Only tasks handled by this agent' })
  @IsOptional() @IsUUID()
  agentId?: string;
}

export class CreateReviewDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  taskId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The sample the task was picked in' })
  @IsOptional() @IsUUID()
  sampleId?: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsInt() @Min(0) @Max(100)
  score: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, description: 'criterion → 0..100' })
  @IsOptional() @IsObject()
  criteria?: Record<string, number>;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional() @IsString() @MaxLength(4000)
  comment?: string;
}

export class ListReviewsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  agentId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  taskId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class ListSamplesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(200)
  limit?: number;
}
