import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../tasks/channel';

export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * One exchange with a customer on one channel: an email thread, a chat
 * session, a call. Tasks point at it (`tasks.conversation_id`); its `ref`
 * (e.g. `K7F-2Q9`) is the token shown to the customer (`[#K7F-2Q9]` in mail subjects).
 */
@Entity('conversations')
@Index('conversations_customer_idx', ['customerId', 'createdAt'])
export class ConversationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('conversations_ref_key', { unique: true })
  @Column({ type: 'text' })
  ref: string;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', default: 'open' })
  status: ConversationStatus;

  /** The one agent answerable for it (the last to handle it). */
  @Column({ name: 'owner_agent_id', type: 'uuid', nullable: true })
  ownerAgentId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
