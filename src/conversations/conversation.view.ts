import { CustomerView } from '../customers/customer.dto';
import { HandledTaskView } from '../tasks/task.view';
import { Channel } from '../tasks/channel';
import { MessageEntity } from './message.entity';

export interface MessageView {
  id: string;
  direction: 'in' | 'out';
  channel: Channel;
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  authorAgentId: string | null;
  at: string;
  /** Email attachments kept with the message (download: GET /api/email/attachments/:id). */
  attachments?: AttachmentView[];
}

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface ConversationView {
  id: string;
  ref: string;
  channel: Channel;
  subject: string | null;
  status: string;
  ownerAgentId: string | null;
  createdAt: string;
  customer: CustomerView | null;
  messages: MessageView[];
  /** Each task with the name of its agent and its event history (who handled what and when). */
  tasks: HandledTaskView[];
}

export function toMessageView(message: MessageEntity): MessageView {
  return {
    id: message.id,
    direction: message.direction,
    channel: message.channel,
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    authorAgentId: message.authorAgentId,
    at: message.at.toISOString(),
  };
}
