import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { wsHandle } from '../../common/ws-validation';
import { socketUser } from '../../gateway/socket-auth';
import { ChatSendPayload } from './chat.dto';
import { ChatSessionsService } from './chat-sessions.service';

/**
 * The agent's chat events on the agent socket (/agent). The socket is
 * authenticated by the AgentGateway's connection handler (same namespace);
 * this gateway only adds `chat:send`.
 */
@WebSocketGateway({ namespace: '/agent', cors: { origin: true } })
export class ChatAgentGateway {
  private readonly logger = new Logger(ChatAgentGateway.name);

  constructor(private readonly chats: ChatSessionsService) {}

  @SubscribeMessage('chat:send')
  onSend(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, ChatSendPayload, payload, async (dto) => ({ message: await this.chats.agentMessage(await socketUser(socket), dto) }));
  }
}
