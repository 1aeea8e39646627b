import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsUUID, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class ImapSettingsDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255)
  host: string;

  @ApiProperty() @IsInt() @Min(1) @Max(65535)
  port: number;

  @ApiProperty({ description: 'TLS from the first byte (993); false = plain or STARTTLS when offered' }) @IsBoolean()
  secure: boolean;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255)
  user: string;

  @ApiProperty({ writeOnly: true }) @IsString() @MinLength(1) @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ default: 'INBOX' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  folder?: string;
}

export class SmtpSettingsDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(255)
  host: string;

  @ApiProperty() @IsInt() @Min(1) @Max(65535)
  port: number;

  @ApiProperty() @IsBoolean()
  secure: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(255)
  user?: string;

  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  password?: string;
}

export class CreateMailboxDto {
  @ApiProperty({ example: 'support@example.com' }) @Transform(lower) @IsEmail({ require_tld: false })
  address: string;

  @ApiPropertyOptional({ description: 'Sender name on outgoing mail' }) @IsOptional() @IsString() @MaxLength(200)
  displayName?: string;

  @ApiProperty({ description: "The email queue's id or name" }) @IsString() @MinLength(1) @MaxLength(200)
  queue: string;

  @ApiProperty({ type: ImapSettingsDto }) @ValidateNested() @Type(() => ImapSettingsDto)
  imap: ImapSettingsDto;

  @ApiProperty({ type: SmtpSettingsDto }) @ValidateNested() @Type(() => SmtpSettingsDto)
  smtp: SmtpSettingsDto;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  autoAcknowledge?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Replies to complaints wait for a supervisor' }) @IsOptional() @IsBoolean()
  reviewComplaints?: boolean;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean()
  enabled?: boolean;
}

export class UpdateMailboxDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  queue?: string;

  @ApiPropertyOptional({ type: ImapSettingsDto }) @IsOptional() @ValidateNested() @Type(() => ImapSettingsDto)
  imap?: ImapSettingsDto;

  @ApiPropertyOptional({ type: SmtpSettingsDto }) @IsOptional() @ValidateNested() @Type(() => SmtpSettingsDto)
  smtp?: SmtpSettingsDto;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  autoAcknowledge?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  reviewComplaints?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  enabled?: boolean;
}

/** A mailbox as the API shows it: settings without secrets, plus live status. */
export interface MailboxView {
  id: string;
  address: string;
  displayName: string | null;
  queue: { id: string; name: string | null };
  imap: { host: string; port: number; secure: boolean; user: string; folder: string; passwordSet: boolean };
  smtp: { host: string; port: number; secure: boolean; user: string | null; passwordSet: boolean };
  autoAcknowledge: boolean;
  reviewComplaints: boolean;
  enabled: boolean;
  status: {
    connected: boolean;
    lastSyncAt: string | null;
    lastError: string | null;
    messagesIngested: number;
    messagesQuarantined: number;
    uidValidity: string | null;
    lastUid: number;
  };
  createdAt: string;
}

export interface QuarantineView {
  id: string;
  mailboxId: string;
  uid: number;
  uidValidity: string;
  reason: string;
  size: number;
  createdAt: string;
  /** The first lines of the raw message, for a quick look. */
  preview: string;
}

export class QuarantineQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  mailboxId?: string;
}
