import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const OUTBOUND_KINDS = ['acknowledgement', 'auto-reply', 'reply'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/**
 * pending_approval → (approve) queued | (reject) rejected;
 * queued → sending → sent, or back to queued with a later `nextAttemptAt`
 * after a temporary SMTP failure, or failed after the last attempt.
 */
export const OUTBOUND_STATUSES = ['pending_approval', 'rejected', 'queued', 'sending', 'sent', 'failed'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/**
 * The outbox: every mail the ACD sends (acknowledgements, auto-replies, agent
 * replies) is first a row here with its final Message-ID, then sent by
 * whichever node claims it (`queued → sending` in one UPDATE), so a mail is
 * never sent by two nodes and survives a restart. `idempotencyKey` makes
 * "acknowledge this inbound mail" happen once however often it is retried.
 */
@Entity('outbound_mails')
@Index('outbound_mails_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('outbound_mails_due_idx', ['status', 'nextAttemptAt'])
@Index('outbound_mails_conversation_idx', ['conversationId', 'createdAt'])
@Index('outbound_mails_recipient_idx', ['toAddress', 'createdAt'])
@Index('outbound_mails_message_id_idx', ['messageId'])
export class OutboundMailEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'text' })
  kind: OutboundKind;

  @Column({ type: 'text' })
  status: OutboundStatus;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId: string | null;

  @Column({ name: 'author_agent_id', type: 'uuid', nullable: true })
  authorAgentId: string | null;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId: string | null;

  @Column({ name: 'from_address', type: 'text' })
  fromAddress: string;

  @Column({ name: 'to_address', type: 'text' })
  toAddress: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', nullable: true })
  html: string | null;

  /** Without angle brackets; fixed when the row is created, so a retry carries the same id. */
  @Column({ name: 'message_id', type: 'text' })
  messageId: string;

  @Column({ name: 'in_reply_to', type: 'text', nullable: true })
  inReplyTo: string | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  references: string[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  attachments: OutboundAttachment[];

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'review_reason', type: 'text', nullable: true })
  reviewReason: string | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'review_comment', type: 'text', nullable: true })
  reviewComment: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
