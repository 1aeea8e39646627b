import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const SKILL_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const normalizeSkills = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((skill) => (typeof skill === 'string' ? skill.trim().toLowerCase() : skill)) : value;

export class CreateCallRouteDto {
  @ApiProperty({ example: '+33180000000', description: 'Dialled number (`to` of call.offered)' })
  @IsString() @MinLength(2) @MaxLength(64)
  number: string;

  @ApiProperty({ description: "A voice queue's id or name" })
  @IsString() @MinLength(1) @MaxLength(200)
  queue: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  priority?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @Transform(normalizeSkills) @IsArray() @ArrayMaxSize(20)
  @Matches(SKILL_PATTERN, { each: true, message: 'each skill must match ^[a-z0-9][a-z0-9_.-]{0,63}$' })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Extra priority for VIP callers (default 20)' })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  vipPriorityBoost?: number;
}

export class UpdateCallRouteDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(100)
  priority?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @Transform(normalizeSkills) @IsArray() @ArrayMaxSize(20)
  @Matches(SKILL_PATTERN, { each: true, message: 'each skill must match ^[a-z0-9][a-z0-9_.-]{0,63}$' })
  skills?: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(100)
  vipPriorityBoost?: number;
}

export interface CallRouteView {
  id: string;
  number: string;
  queueId: string;
  queue: string | null;
  priority: number;
  skills: string[];
  vipPriorityBoost: number;
}
