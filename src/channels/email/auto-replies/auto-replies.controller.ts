import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../auth/roles.decorator';
import { AutoRepliesService } from './auto-replies.service';
import { AutoReplyRuleView, CreateAutoReplyRuleDto, UpdateAutoReplyRuleDto } from './auto-replies.dto';

/** Rules answering inbound mail automatically with a template; supervisors only. */
@ApiTags('email')
@ApiBearerAuth()
@Controller('auto-replies')
@Roles('supervisor')
export class AutoRepliesController {
  constructor(private readonly autoReplies: AutoRepliesService) {}

  @Get()
  @ApiOperation({ summary: 'Rules in the order they are tried (priority desc, then oldest first)' })
  list(): Promise<AutoReplyRuleView[]> {
    return this.autoReplies.list();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AutoReplyRuleView> {
    return this.autoReplies.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a rule; 400 when templateId names no template' })
  create(@Body() dto: CreateAutoReplyRuleDto): Promise<AutoReplyRuleView> {
    return this.autoReplies.create(dto);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAutoReplyRuleDto): Promise<AutoReplyRuleView> {
    return this.autoReplies.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.autoReplies.remove(id);
  }
}
