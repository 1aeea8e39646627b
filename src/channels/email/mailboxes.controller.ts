import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { CreateMailboxDto, MailboxView, QuarantineQueryDto, QuarantineView, UpdateMailboxDto } from './mailbox.dto';
import { MailboxesService } from './mailboxes.service';

@ApiTags('email')
@ApiBearerAuth()
@Controller()
@Roles('admin')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Post('mailboxes')
  @ApiOperation({ summary: 'Connect a mailbox (IMAP in, SMTP out); passwords are stored encrypted and never returned' })
  create(@Body() dto: CreateMailboxDto): Promise<MailboxView> {
    return this.mailboxes.create(dto);
  }

  @Get('mailboxes')
  @ApiOperation({ summary: 'Mailboxes with live status (connected, last sync, last error, messages ingested)' })
  list(): Promise<MailboxView[]> {
    return this.mailboxes.list();
  }

  @Get('mailboxes/:id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<MailboxView> {
    return this.mailboxes.get(id);
  }

  @Patch('mailboxes/:id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateMailboxDto): Promise<MailboxView> {
    return this.mailboxes.update(id, dto);
  }

  @Get('email/quarantine')
  @ApiOperation({ summary: 'Mails that could not be ingested, with the reason' })
  quarantine(@Query() query: QuarantineQueryDto): Promise<QuarantineView[]> {
    return this.mailboxes.listQuarantine(query.mailboxId);
  }

  @Get('email/quarantine/:id/raw')
  @Header('Content-Type', 'message/rfc822')
  @Header('Content-Disposition', 'attachment; filename="quarantined.eml"')
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiOperation({ summary: 'The quarantined message as received' })
  async raw(@Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.mailboxes.quarantinedRaw(id));
  }
}
