import { Controller, Get, Param, ParseUUIDPipe, Res, StreamableFile } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Repository } from 'typeorm';
import { EmailAttachmentEntity } from './email-attachment.entity';
import { EmailException, EmailExceptionCode } from './email.exception';

@ApiTags('email')
@ApiBearerAuth()
@Controller('email/attachments')
export class AttachmentsController {
  constructor(@InjectRepository(EmailAttachmentEntity) private readonly attachments: Repository<EmailAttachmentEntity>) {}

  /** Always a download (never rendered by the browser in the app's origin): the file came from outside. */
  @Get(':id')
  @ApiOperation({ summary: 'Download an email attachment' })
  async download(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const attachment = await this.attachments.findOneBy({ id });
    if (!attachment) throw new EmailException(EmailExceptionCode.ATTACHMENT_NOT_FOUND, `attachment ${id} not found`);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`);
    return new StreamableFile(attachment.content);
  }
}
