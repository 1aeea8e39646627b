import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TemplateEntity } from '../../../templates/template.entity';
import { EmailIntent } from '../analysis/email-analysis';

/**
 * Answers an inbound email automatically with a template (and its
 * attachments) when the mail's intent, language, mailbox and keywords match;
 * see auto-reply-matcher.ts for the exact semantics. The task stays queued
 * unless `closesRequest`.
 *
 * `template_id` is a foreign key (ON DELETE RESTRICT): a template an
 * auto-reply answers with cannot be deleted from under the rule.
 */
@Entity('auto_reply_rules')
export class AutoReplyRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** The analysed intents this rule answers (at least one). */
  @Column({ type: 'jsonb' })
  intents: EmailIntent[];

  /** Any one of them in the subject or body (accents and case ignored); empty: the intent alone decides. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  keywords: string[];

  /** `fr`, `en`, or null for any language. */
  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ name: 'template_id', type: 'uuid' })
  templateId: string;

  @ManyToOne(() => TemplateEntity, { onDelete: 'RESTRICT', nullable: false, createForeignKeyConstraints: true })
  @JoinColumn({ name: 'template_id', foreignKeyConstraintName: 'auto_reply_rules_template_fk' })
  template?: TemplateEntity;

  /** The answer settles the request: the task is completed instead of queued. */
  @Column({ name: 'closes_request', type: 'boolean', default: false })
  closesRequest: boolean;

  /** Only mail received by this mailbox; null for every mailbox. */
  @Column({ name: 'mailbox_id', type: 'uuid', nullable: true })
  mailboxId: string | null;

  /** Highest first; ties in creation order. */
  @Column({ type: 'int', default: 0 })
  priority: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
