import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const CHAT_LANGUAGES = ['en', 'fr'] as const;

/** `POST /api/chat/sessions` (public). */
export class CreateChatSessionDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'Links the chat to the customer with this address' })
  @IsOptional() @Transform(trim) @IsEmail() @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ enum: CHAT_LANGUAGES, default: 'en' })
  @IsOptional() @IsIn(CHAT_LANGUAGES)
  language?: (typeof CHAT_LANGUAGES)[number];

  @ApiPropertyOptional({ description: "A chat queue's id or name (default: the first chat queue by name)" })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(200)
  subject?: string;
}

export interface ChatSessionCreated {
  sessionId: string;
  /** Proof of ownership for the /chat socket (`auth: {token}`); shown once, stored hashed. */
  token: string;
  conversationId: string;
  ref: string;
}

/** `/chat` → `message`. */
export class ChatMessagePayload {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(4000)
  text: string;
}

/** `/chat` → `handoff` and `close`: an optional free-text reason. */
export class ChatControlPayload {
  @IsOptional() @Transform(trim) @IsString() @MaxLength(200)
  reason?: string;
}

/** `/agent` → `chat:send`: the task or the conversation, and the text. */
export class ChatSendPayload {
  @IsOptional() @IsUUID()
  taskId?: string;

  @IsOptional() @IsUUID()
  conversationId?: string;

  @Transform(trim) @IsString() @MinLength(1) @MaxLength(4000)
  text: string;
}

export class CreateFaqDto {
  @ApiProperty() @Transform(trim) @IsString() @MinLength(3) @MaxLength(500)
  question: string;

  @ApiProperty() @Transform(trim) @IsString() @MinLength(1) @MaxLength(4000)
  answer: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @MaxLength(60, { each: true })
  keywords?: string[];

  @ApiPropertyOptional({ enum: CHAT_LANGUAGES, nullable: true, description: 'null: both languages' })
  @IsOptional() @IsIn([...CHAT_LANGUAGES, null])
  language?: string | null;
}

export class UpdateFaqDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(3) @MaxLength(500)
  question?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(4000)
  answer?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @MaxLength(60, { each: true })
  keywords?: string[];

  @ApiPropertyOptional({ enum: CHAT_LANGUAGES, nullable: true })
  @IsOptional() @IsIn([...CHAT_LANGUAGES, null])
  language?: string | null;
}

export interface FaqView {
  id: string;
  question: string;
  answer: string;
  keywords: string[];
  language: string | null;
  updatedAt: string;
}
