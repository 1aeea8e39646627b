import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { wsHandle } from '../../common/ws-validation';
import { ChatEmitter, chatRoom } from './chat-emitter';
import { ChatMessagePayload, ChatControlPayload } from './chat.dto';
import { ChatException, ChatExceptionCode } from './chat.exception';
import { ChatSessionsService } from './chat-sessions.service';

/**
 * The visitor's side of a web chat (/chat). The handshake carries the
 * session token (`auth: {token}`); a reconnecting visitor gets its session
 * and transcript again, and its queue position if it is waiting.
 */
@WebSocketGateway({ namespace: '/chat', cors: { origin: true } })
export class ChatGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly chats: ChatSessionsService,
    private readonly emitter: ChatEmitter,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bind(namespace);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const pending = this.chats.authenticate((socket.handshake.auth as { token?: unknown } | undefined)?.token);
    // Handlers await this: a visitor may send before the look-up is done.
    socket.data.chatSession = pending.then((session) => session?.id ?? null);
    const session = await pending;
    if (!session || session.status === 'closed') {
      socket.emit('error', { code: session ? 'CHAT_SESSION_CLOSED' : 'UNAUTHENTICATED', message: session ? 'This chat is closed' : 'A valid chat token is required (handshake auth.token)' });
      socket.disconnect(true);
      return;
    }
    await socket.join(chatRoom(session.id));
    socket.emit('session', {
      sessionId: session.id,
      conversationId: session.conversationId,
      ref: await this.chats.conversationRef(session),
      status: session.status,
      messages: await this.chats.transcript(session),
    });
    await this.chats.visitorConnected(session);
  }

  @SubscribeMessage('message')
  onMessage(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, ChatMessagePayload, payload, async (dto) => this.chats.visitorMessage(await this.sessionOf(socket), dto.text));
  }

  @SubscribeMessage('handoff')
  onHandoff(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, ChatControlPayload, payload ?? {}, async () => ({ status: await this.chats.handoff(await this.sessionOf(socket), 'asked-for-person') }));
  }

  @SubscribeMessage('close')
  onClose(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, ChatControlPayload, payload ?? {}, async () => ({ status: await this.chats.close(await this.sessionOf(socket)) }));
  }

  private async sessionOf(socket: Socket): Promise<string> {
    const id = await (socket.data.chatSession as Promise<string | null> | undefined);
    if (!id) throw new ChatException(ChatExceptionCode.SESSION_CLOSED, 'This socket has no chat session');
    return id;
  }
}
