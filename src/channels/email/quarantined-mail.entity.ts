import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A mail that could not be ingested (broken MIME, no sender, too large…),
 * kept raw with the reason so an admin can look at it; it never blocks the
 * rest of its mailbox. Unique per (mailbox, uidValidity, uid): fetched twice,
 * quarantined once.
 */
@Entity('email_quarantine')
@Index('email_quarantine_source_key', ['mailboxId', 'uidValidity', 'uid'], { unique: true })
export class QuarantinedMailEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId: string;

  @Column({ name: 'uid_validity', type: 'text' })
  uidValidity: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  uid: number;

  @Column({ type: 'text' })
  reason: string;

  /** The raw message (its first bytes only when it was too large to load). */
  @Column({ type: 'bytea' })
  raw: Buffer;

  /** Size of the whole message on the server. */
  @Column({ type: 'integer' })
  size: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
