import { MessageEntity } from '../../conversations/message.entity';
import { ChatLine } from '../../gateway/socket-events';

/** The `from` of the self-service bot's messages. */
export const BOT_FROM = 'bot';

export function toChatLine(message: MessageEntity, actions?: string[]): ChatLine {
  const author = message.direction === 'in' ? 'visitor' : message.authorAgentId ? 'agent' : 'bot';
  return {
    id: message.id,
    author,
    name: author === 'agent' ? message.from : null,
    text: message.text ?? '',
    at: message.at.toISOString(),
    ...(actions ? { actions } : {}),
  };
}
