import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { ReplyView } from '../../gateway/socket-events';
import { ListRepliesQueryDto, ReplyDto, ReviewReplyDto } from './reply.dto';
import { RepliesService } from './replies.service';

@ApiTags('email')
@ApiBearerAuth()
@Controller()
export class RepliesController {
  constructor(private readonly replies: RepliesService) {}

  @Post('conversations/:id/reply')
  @ApiOperation({ summary: 'Answer an email conversation (sent at once, or held for approval)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key, same conversation, same author: the first reply is answered again and nothing is sent twice (1–200 visible ASCII characters)' })
  reply(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReplyDto,
    @CurrentUser() user: AuthUser,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<ReplyView> {
    return this.replies.reply(user, id, dto, idempotencyKey);
  }

  @Get('replies')
  @ApiOperation({ summary: 'Outgoing mails: ?status=pending_approval is the approval queue (agents see their own)' })
  list(@Query() query: ListRepliesQueryDto, @CurrentUser() user: AuthUser): Promise<ReplyView[]> {
    return this.replies.list(user, query);
  }

  @Get('replies/:id')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<ReplyView> {
    return this.replies.get(user, id);
  }

  @Post('replies/:id/approve')
  @Roles('supervisor')
  approve(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReviewReplyDto, @CurrentUser() user: AuthUser): Promise<ReplyView> {
    return this.replies.approve(user, id, dto);
  }

  @Post('replies/:id/reject')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Return a reply to its agent with a comment' })
  reject(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ReviewReplyDto, @CurrentUser() user: AuthUser): Promise<ReplyView> {
    return this.replies.reject(user, id, dto);
  }
}
