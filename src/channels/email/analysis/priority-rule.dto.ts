import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation';
import {
  PRIORITY_RULE_KINDS,
  PRIORITY_RULE_LANGUAGES,
  PRIORITY_RULE_PATTERN_MAX,
  PRIORITY_RULE_WEIGHT_MAX,
  PRIORITY_RULE_WEIGHT_MIN,
  PriorityRuleKind,
  PriorityRuleLanguage,
} from './priority-rule';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PATTERN_DOC = 'A word or short phrase; accents and case ignored; a trailing * matches any ending (rembours*)';

/** `POST /api/priority-rules`. */
export class CreatePriorityRuleDto {
  @ApiProperty({ minLength: 1, maxLength: PRIORITY_RULE_PATTERN_MAX, description: PATTERN_DOC, example: 'urgent' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(PRIORITY_RULE_PATTERN_MAX)
  pattern: string;

  @ApiProperty({ minimum: PRIORITY_RULE_WEIGHT_MIN, maximum: PRIORITY_RULE_WEIGHT_MAX, description: 'Added to the priority boost when found' })
  @IsInt() @Min(PRIORITY_RULE_WEIGHT_MIN) @Max(PRIORITY_RULE_WEIGHT_MAX)
  weight: number;

  @ApiProperty({ enum: PRIORITY_RULE_KINDS })
  @IsIn(PRIORITY_RULE_KINDS)
  kind: PriorityRuleKind;

  @ApiPropertyOptional({ enum: PRIORITY_RULE_LANGUAGES, nullable: true, description: 'null or absent: both languages' })
  @IsOptional() @IsIn([...PRIORITY_RULE_LANGUAGES, null])
  language?: PriorityRuleLanguage | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

/** `PATCH /api/priority-rules/:id`: any subset. */
export class UpdatePriorityRuleDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: PRIORITY_RULE_PATTERN_MAX, description: PATTERN_DOC })
  @IsOptionalNotNull() @Transform(trim) @IsString() @MinLength(1) @MaxLength(PRIORITY_RULE_PATTERN_MAX)
  pattern?: string;

  @ApiPropertyOptional({ minimum: PRIORITY_RULE_WEIGHT_MIN, maximum: PRIORITY_RULE_WEIGHT_MAX })
  @IsOptionalNotNull() @IsInt() @Min(PRIORITY_RULE_WEIGHT_MIN) @Max(PRIORITY_RULE_WEIGHT_MAX)
  weight?: number;

  @ApiPropertyOptional({ enum: PRIORITY_RULE_KINDS })
  @IsOptionalNotNull() @IsIn(PRIORITY_RULE_KINDS)
  kind?: PriorityRuleKind;

  @ApiPropertyOptional({ enum: PRIORITY_RULE_LANGUAGES, nullable: true })
  @IsOptional() @IsIn([...PRIORITY_RULE_LANGUAGES, null])
  language?: PriorityRuleLanguage | null;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

/** `POST /api/priority-rules/analyze`: try the live rules on a sample mail. */
export class AnalyzeSampleDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional() @IsString() @MaxLength(1000)
  subject?: string;

  @ApiProperty({ maxLength: 100_000, description: 'Plain-text body' })
  @IsString() @MaxLength(100_000)
  text: string;

  @ApiPropertyOptional({ description: 'Sender address (web-form detection)' })
  @IsOptional() @ValidateIf((_object: object, value: unknown) => value !== null) @IsEmail()
  fromAddress?: string | null;
}

export interface PriorityRuleView {
  id: string;
  pattern: string;
  weight: number;
  kind: PriorityRuleKind;
  language: PriorityRuleLanguage | null;
  enabled: boolean;
  createdAt: string;
}
