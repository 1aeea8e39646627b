import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { OUTBOUND_STATUSES, OutboundStatus } from './outbound-mail.entity';

export class ReplyDto {
  @ApiPropertyOptional({ description: 'The reply as the agent wrote it (after editing a template); required without templateId' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100_000)
  text?: string;

  @ApiPropertyOptional({ description: 'Template rendered with the merge fields when no text is given; recorded either way' })
  @IsOptional() @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({ description: 'Default: "Re: <conversation subject> [#REF]"' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  subject?: string;

  @ApiPropertyOptional({ description: 'The email task this reply answers' })
  @IsOptional() @IsUUID()
  taskId?: string;

  @ApiPropertyOptional({ description: 'Ask a supervisor to approve it before it is sent' })
  @IsOptional() @IsBoolean()
  submitForApproval?: boolean;
}

export class ReviewReplyDto {
  @ApiPropertyOptional({ description: 'Required to reject: tells the agent what to change' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(2000)
  comment?: string;
}

export class ListRepliesQueryDto {
  @ApiPropertyOptional({ enum: OUTBOUND_STATUSES })
  @IsOptional() @IsIn(OUTBOUND_STATUSES)
  status?: OutboundStatus;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  conversationId?: string;
}
