import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** IMAP connection settings without the password (kept encrypted in its own column). */
export interface MailboxImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  folder: string;
}

/** SMTP settings without the password. */
export interface MailboxSmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
}

/**
 * A customer-service mailbox the ACD watches (IMAP) and answers from (SMTP).
 * Passwords are stored encrypted (see secret-box.ts) and never returned.
 * `uidValidity`/`lastUid` are the ingestion cursor: every UID up to `lastUid`
 * of that UIDVALIDITY is committed.
 */
@Entity('mailboxes')
@Index('mailboxes_address_key', ['address'], { unique: true })
export class MailboxEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased; unique (case-insensitively). */
  @Column({ type: 'text' })
  address: string;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @Column({ type: 'jsonb' })
  imap: MailboxImapSettings;

  @Column({ name: 'imap_password', type: 'text' })
  imapPasswordSealed: string;

  @Column({ type: 'jsonb' })
  smtp: MailboxSmtpSettings;

  @Column({ name: 'smtp_password', type: 'text', nullable: true })
  smtpPasswordSealed: string | null;

  @Column({ name: 'auto_acknowledge', type: 'boolean', default: true })
  autoAcknowledge: boolean;

  /** Replies to complaints wait for a supervisor's approval. */
  @Column({ name: 'review_complaints', type: 'boolean', default: false })
  reviewComplaints: boolean;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'uid_validity', type: 'text', nullable: true })
  uidValidity: string | null;

  @Column({ name: 'last_uid', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  lastUid: number;

  @Column({ type: 'boolean', default: false })
  connected: boolean;

  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'messages_ingested', type: 'integer', default: 0 })
  messagesIngested: number;

  @Column({ name: 'messages_quarantined', type: 'integer', default: 0 })
  messagesQuarantined: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
