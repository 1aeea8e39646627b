import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ConversationView } from './conversation.view';
import { ConversationsService } from './conversations.service';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  /** The conversation, its customer, every message (the transcript) and every task. */
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ConversationView> {
    return this.conversations.view(id);
  }
}
