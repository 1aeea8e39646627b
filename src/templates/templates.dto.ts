import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '../common/validation';
import { MergeFieldDoc } from './merge-context';
import { TEMPLATE_LANGUAGES, TemplateLanguage } from './template.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A file name without a path or control characters (it becomes a MIME header parameter). */
const FILENAME = /^[^/\\\u0000-\u001f\u007f]+$/;
const CONTENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;

export const MAX_BODY_LENGTH = 20_000;
export const MAX_SUBJECT_LENGTH = 500;
export const MAX_ATTACHMENTS = 10;

export class TemplateAttachmentDto {
  @ApiProperty({ maxLength: 200, example: 'tarifs-2025.pdf' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) @Matches(FILENAME, { message: 'filename must not contain a path or control characters' })
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  @IsString() @MaxLength(200) @Matches(CONTENT_TYPE, { message: 'contentType must be a MIME type such as application/pdf' })
  contentType: string;

  @ApiProperty({ description: 'The file, base64-encoded (all attachments together at most 2 MB decoded)' })
  @IsString() @IsBase64()
  contentBase64: string;
}

export class CreateTemplateDto {
  @ApiProperty({ maxLength: 200, description: 'Unique, whatever the case' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ enum: TEMPLATE_LANGUAGES })
  @IsIn(TEMPLATE_LANGUAGES)
  language: TemplateLanguage;

  @ApiPropertyOptional({ nullable: true, maxLength: MAX_SUBJECT_LENGTH, description: 'Handlebars; null/absent: "Re: " + the original subject' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_SUBJECT_LENGTH)
  subject?: string | null;

  @ApiProperty({ maxLength: MAX_BODY_LENGTH, description: 'Handlebars source of the plain-text body, e.g. `Hello {{customer.name}}`' })
  @IsString() @MinLength(1) @MaxLength(MAX_BODY_LENGTH)
  body: string;

  @ApiPropertyOptional({ type: [TemplateAttachmentDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ATTACHMENTS) @ValidateNested({ each: true }) @Type(() => TemplateAttachmentDto)
  attachments?: TemplateAttachmentDto[];
}

export class UpdateTemplateDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptionalNotNull() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: TEMPLATE_LANGUAGES })
  @IsOptionalNotNull() @IsIn(TEMPLATE_LANGUAGES)
  language?: TemplateLanguage;

  @ApiPropertyOptional({ nullable: true, maxLength: MAX_SUBJECT_LENGTH, description: 'null: back to "Re: " + the original subject' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null)
  @IsString() @MinLength(1) @MaxLength(MAX_SUBJECT_LENGTH)
  subject?: string | null;

  @ApiPropertyOptional({ maxLength: MAX_BODY_LENGTH })
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(MAX_BODY_LENGTH)
  body?: string;

  @ApiPropertyOptional({ type: [TemplateAttachmentDto], description: 'Replaces the whole list ([] removes them all)' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(MAX_ATTACHMENTS) @ValidateNested({ each: true }) @Type(() => TemplateAttachmentDto)
  attachments?: TemplateAttachmentDto[];
}

export class ListTemplatesQueryDto {
  @ApiPropertyOptional({ enum: TEMPLATE_LANGUAGES })
  @IsOptional() @IsIn(TEMPLATE_LANGUAGES)
  language?: TemplateLanguage;
}

/** One merge-field value of a preview context. */
const field = (): PropertyDecorator => applyDecorators(ApiPropertyOptional(), IsOptional(), IsString(), MaxLength(1000));

export class PreviewCustomerDto {
  @field() name?: string;
  @field() email?: string;
  @field() firstName?: string;
}

export class PreviewTicketDto {
  @field() ref?: string;
  @field() subject?: string;
}

export class PreviewConversationDto {
  @field() subject?: string;
  @field() ref?: string;
}

export class PreviewAgentDto {
  @field() name?: string;
  @field() email?: string;
}

export class PreviewMailboxDto {
  @field() address?: string;
}

export class PreviewEtaDto {
  @field() text?: string;
  @field() hours?: string;
}

/** A partial MergeContext: unknown sections or fields are refused (400), like everywhere else. */
export class PreviewContextDto {
  @ApiPropertyOptional({ type: PreviewCustomerDto }) @IsOptional() @ValidateNested() @Type(() => PreviewCustomerDto)
  customer?: PreviewCustomerDto;

  @ApiPropertyOptional({ type: PreviewTicketDto }) @IsOptional() @ValidateNested() @Type(() => PreviewTicketDto)
  ticket?: PreviewTicketDto;

  @ApiPropertyOptional({ type: PreviewConversationDto }) @IsOptional() @ValidateNested() @Type(() => PreviewConversationDto)
  conversation?: PreviewConversationDto;

  @ApiPropertyOptional({ type: PreviewAgentDto }) @IsOptional() @ValidateNested() @Type(() => PreviewAgentDto)
  agent?: PreviewAgentDto;

  @ApiPropertyOptional({ type: PreviewMailboxDto }) @IsOptional() @ValidateNested() @Type(() => PreviewMailboxDto)
  mailbox?: PreviewMailboxDto;

  @ApiPropertyOptional({ type: PreviewEtaDto }) @IsOptional() @ValidateNested() @Type(() => PreviewEtaDto)
  eta?: PreviewEtaDto;
}

export class PreviewTemplateDto {
  @ApiPropertyOptional({ type: PreviewContextDto, description: 'Values of the merge fields; missing ones render empty and are listed in missingFields' })
  @IsOptional() @ValidateNested() @Type(() => PreviewContextDto)
  context?: PreviewContextDto;
}

export interface TemplateAttachmentView {
  filename: string;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Only in `GET /api/templates/:id` (lists stay small). */
  contentBase64?: string;
}

export interface TemplateView {
  id: string;
  name: string;
  language: TemplateLanguage;
  subject: string | null;
  body: string;
  attachments: TemplateAttachmentView[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TemplatePreview {
  subject: string;
  text: string;
  html: string;
  missingFields: string[];
}

export type MergeFieldView = MergeFieldDoc;
