import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { CallControlDto, EndCallDto } from './call-control.dto';
import { CallControlService } from './call-control.service';
import { CallControlResult } from './call-control.view';

/** Call control from the agent's call card: only the agent holding the call, only while it is in progress. */
@ApiTags('telephony')
@ApiBearerAuth()
@Controller('calls')
export class CallControlController {
  constructor(private readonly calls: CallControlService) {}

  @Post(':taskId/hold')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put the call on hold (records `held`, sends a signed `call.hold` to the telephony system)' })
  hold(@Param('taskId', ParseUUIDPipe) taskId: string, @Body() _dto: CallControlDto, @CurrentUser() user: AuthUser): Promise<CallControlResult> {
    return this.calls.hold(user.id, taskId);
  }

  @Post(':taskId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take the call back from hold (records `resumed`, sends `call.resume`)' })
  resume(@Param('taskId', ParseUUIDPipe) taskId: string, @Body() _dto: CallControlDto, @CurrentUser() user: AuthUser): Promise<CallControlResult> {
    return this.calls.resume(user.id, taskId);
  }

  @Post(':taskId/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hang up: completes the task with the disposition (wrap-up per queue), sends `call.hangup`' })
  end(@Param('taskId', ParseUUIDPipe) taskId: string, @Body() dto: EndCallDto, @CurrentUser() user: AuthUser): Promise<CallControlResult> {
    return this.calls.end(user.id, taskId, dto.disposition ?? null, dto.notes);
  }
}
