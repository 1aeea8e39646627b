import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsOptionalNotNull } from '../../../common/validation';
import { TEMPLATE_LANGUAGES } from '../../../templates/template.entity';
import { EmailIntent } from '../analysis/email-analysis';
import { AUTO_REPLY_INTENTS, AutoReplyIntent } from './auto-reply-matcher';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value);

/** A keyword must hold at least one letter or digit (punctuation alone matches nothing). */
const HAS_WORD = /[\p{L}\p{N}]/u;

export class CreateAutoReplyRuleDto {
  @ApiProperty({ maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ enum: AUTO_REPLY_INTENTS, isArray: true, description: 'Analysed intents this rule answers: information or quote requests only' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(AUTO_REPLY_INTENTS.length) @ArrayUnique() @IsIn(AUTO_REPLY_INTENTS, { each: true, message: 'an auto-reply answers only information or quote requests (intents: information, quote)' })
  intents: AutoReplyIntent[];

  @ApiPropertyOptional({ type: [String], description: 'Any one in the subject or body (accents/case ignored); empty: the intent alone decides' })
  @IsOptional() @Transform(trimEach) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true })
  @Matches(HAS_WORD, { each: true, message: 'each keyword must contain a letter or a digit' })
  keywords?: string[];

  @ApiPropertyOptional({ enum: TEMPLATE_LANGUAGES, nullable: true, description: 'null: any language' })
  @IsOptional() @IsIn([...TEMPLATE_LANGUAGES, null])
  language?: string | null;

  @ApiProperty({ format: 'uuid', description: 'The template answered with (must exist)' })
  @IsUUID()
  templateId: string;

  @ApiPropertyOptional({ default: false, description: 'The answer settles the request: the task is not queued' })
  @IsOptional() @IsBoolean()
  closesRequest?: boolean;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'null: every mailbox' })
  @IsOptional() @IsUUID()
  mailboxId?: string | null;

  @ApiPropertyOptional({ default: 0, minimum: -1000, maximum: 1000, description: 'Highest first' })
  @IsOptional() @IsInt() @Min(-1000) @Max(1000)
  priority?: number;
}

export class UpdateAutoReplyRuleDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptionalNotNull() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: AUTO_REPLY_INTENTS, isArray: true })
  @IsOptionalNotNull() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(AUTO_REPLY_INTENTS.length) @ArrayUnique() @IsIn(AUTO_REPLY_INTENTS, { each: true, message: 'an auto-reply answers only information or quote requests (intents: information, quote)' })
  intents?: AutoReplyIntent[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull() @Transform(trimEach) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true })
  @Matches(HAS_WORD, { each: true, message: 'each keyword must contain a letter or a digit' })
  keywords?: string[];

  @ApiPropertyOptional({ enum: TEMPLATE_LANGUAGES, nullable: true })
  @IsOptional() @IsIn([...TEMPLATE_LANGUAGES, null])
  language?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull() @IsUUID()
  templateId?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @IsBoolean()
  closesRequest?: boolean;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional() @IsUUID()
  mailboxId?: string | null;

  @ApiPropertyOptional({ minimum: -1000, maximum: 1000 })
  @IsOptionalNotNull() @IsInt() @Min(-1000) @Max(1000)
  priority?: number;
}

export interface AutoReplyRuleView {
  id: string;
  name: string;
  enabled: boolean;
  intents: EmailIntent[];
  keywords: string[];
  language: string | null;
  templateId: string;
  closesRequest: boolean;
  mailboxId: string | null;
  priority: number;
  createdAt: string;
}
