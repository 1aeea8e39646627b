import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const TELEPHONY_EVENT_TYPES = ['call.offered', 'call.answered', 'call.abandoned', 'call.ended'] as const;
export type TelephonyEventType = (typeof TELEPHONY_EVENT_TYPES)[number];

const SKILL_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const normalizeSkills = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((skill) => (typeof skill === 'string' ? skill.trim().toLowerCase() : skill)) : value;

/** `POST /api/telephony/events` (DESIGN "External contract"). */
export class TelephonyEventDto {
  @ApiProperty({ enum: TELEPHONY_EVENT_TYPES })
  @IsIn(TELEPHONY_EVENT_TYPES)
  type: TelephonyEventType;

  @ApiProperty({ description: "The telephony system's call id: one voice task per call" })
  @IsString() @MinLength(1) @MaxLength(200)
  callId: string;

  @ApiPropertyOptional({ description: 'Caller number' })
  @IsOptional() @IsString() @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ description: 'Dialled number: picks the call route' })
  @IsOptional() @IsString() @MaxLength(64)
  to?: string;

  @ApiPropertyOptional({ description: "Queue id or name; overrides the call route's" })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @Transform(normalizeSkills) @IsArray() @ArrayMaxSize(20)
  @Matches(SKILL_PATTERN, { each: true, message: 'each skill must match ^[a-z0-9][a-z0-9_.-]{0,63}$' })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  priority?: number;
}

export interface TelephonyEventResult {
  taskId: string | null;
  /** The same (callId, type) was received before: nothing was done again. */
  duplicate?: true;
  /** Why the event changed nothing (e.g. `call-already-ended`). */
  ignored?: string;
}
