import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { ChatServerEvents } from '../../gateway/socket-events';

export const chatRoom = (sessionId: string): string => `chat:${sessionId}`;

/** Pushes to chat visitors (/chat): every socket of a session is in its room, on any node (Redis adapter). */
@Injectable()
export class ChatEmitter {
  private readonly logger = new Logger(ChatEmitter.name);
  private namespace?: Namespace;

  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  toVisitor<E extends keyof ChatServerEvents>(sessionId: string, event: E, ...args: Parameters<ChatServerEvents[E]>): void {
    if (!this.namespace) return this.logger.warn(`no /chat namespace yet, dropped ${event}`);
    this.namespace.to(chatRoom(sessionId)).emit(event, ...args);
  }
}
