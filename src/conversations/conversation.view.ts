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
  /** Email attachments not stored because they exceeded the size limits (only when there were some). */
  omittedAttachments?: OmittedAttachmentView[];
}

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/**
 * `attachment_too_large`: over EMAIL_MAX_ATTACHMENT_BYTES;
 * `attachments_total_too_large`: would have taken the mail's attachments over EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES.
 */
export type OmitReason = 'attachment_too_large' | 'attachments_total_too_large';

export interface OmittedAttachmentView {
  filename: string;
  size: number;
  /** Null for a mail stored before the reason was recorded. */
  reason: OmitReason | null;
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
  const omitted = omittedAttachments(message.meta?.attachmentsOmitted);
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
    ...(omitted.length ? { omittedAttachments: omitted } : {}),
  };
}

/** `meta.attachmentsOmitted` of an inbound mail; mail stored before the reason was recorded has `"name (N bytes)"` strings. */
function omittedAttachments(stored: unknown): OmittedAttachmentView[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((entry: unknown): OmittedAttachmentView => {
    if (typeof entry !== 'string') return entry as OmittedAttachmentView;
    const legacy = /^(.*) \((\d+) bytes\)$/.exec(entry);
    return legacy ? { filename: legacy[1], size: Number(legacy[2]), reason: null } : { filename: entry, size: 0, reason: null };
  });
}
