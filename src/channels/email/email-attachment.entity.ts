import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A file attached to an email message; stored only within the size limits (see email-limits.ts). */
@Entity('email_attachments')
@Index('email_attachments_message_idx', ['messageId'])
export class EmailAttachmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `messages.id` (not the Message-ID header). */
  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @Column({ type: 'text' })
  filename: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'bytea' })
  content: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
