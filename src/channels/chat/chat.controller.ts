import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../auth/public.decorator';
import { ChatSessionCreated, CreateChatSessionDto } from './chat.dto';
import { ChatSessionRateLimitGuard } from './chat-session-rate-limit.guard';
import { ChatSessionsService } from './chat-sessions.service';

@ApiTags('chat')
@Controller('chat')
export class ChatController {
  constructor(private readonly chats: ChatSessionsService) {}

  /** Opens a web chat (public, rate-limited per address): the token opens the /chat socket. */
  @Post('sessions')
  @Public()
  @UseGuards(ChatSessionRateLimitGuard)
  open(@Body() dto: CreateChatSessionDto): Promise<ChatSessionCreated> {
    return this.chats.open(dto);
  }
}
