import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Channel } from '../tasks/channel';

export type MessageDirection = 'in' | 'out';

/**
 * One message of a conversation: an email (with its Message-ID threading
 * headers), a chat line (visitor, bot or agent) or a note about a call.
 */
@Entity('messages')
@Index('messages_conversation_idx', ['conversationId', 'at'])
@Index('messages_message_id_idx', ['messageId'])
// One inbound mail is one message, whichever mailbox (or fetch) brought it: the dedupe key.
@Index('messages_inbound_email_key', ['messageId'], { unique: true, where: `direction = 'in' AND channel = 'email'` })
// Inbound mails whose follow-ups are not done: what the periodic follow-up sweep reads (EmailIngestService).
@Index('messages_follow_up_pending_idx', ['at'], { where: `direction = 'in' AND channel = 'email' AND (meta ->> 'processed') = 'false'` })
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  /** `in`: from the customer; `out`: from us (agent, bot, auto-reply). */
  @Column({ type: 'text' })
  direction: MessageDirection;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ name: 'from_address', type: 'text', nullable: true })
  from: string | null;

  @Column({ name: 'to_address', type: 'text', nullable: true })
  to: string | null;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'text', nullable: true })
  html: string | null;

  /** Email Message-ID (without angle brackets). */
  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId: string | null;

  @Column({ name: 'in_reply_to', type: 'text', nullable: true })
  inReplyTo: string | null;

  /** Email References header, oldest first, without angle brackets. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  references: string[];

  /** The mailbox an email came in through or went out from. */
  @Column({ name: 'mailbox_id', type: 'uuid', nullable: true })
  mailboxId: string | null;

  /** Facts about the message (email analysis, loop-defence verdict, attachments omitted…). */
  @Column({ type: 'jsonb', nullable: true })
  meta: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The agent who wrote an outbound message; null for the customer, the bot or automatic mail. */
  @Column({ name: 'author_agent_id', type: 'uuid', nullable: true })
  authorAgentId: string | null;
}
