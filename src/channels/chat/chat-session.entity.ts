import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CHAT_SESSION_STATUSES = ['bot', 'queued', 'assigned', 'closed'] as const;
export type ChatSessionStatus = (typeof CHAT_SESSION_STATUSES)[number];

/**
 * A website visitor's chat: self-service (`bot`) first, then `queued` as a
 * chat task, `assigned` to an agent, `closed`. The visitor proves it is the
 * session's owner with a random token; only its SHA-256 is stored.
 */
@Entity('chat_sessions')
@Index('chat_sessions_queue_status_idx', ['queueId', 'status'])
export class ChatSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @Column({ name: 'customer_id', type: 'uuid' })
  customerId: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @Index('chat_sessions_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ type: 'text', default: 'bot' })
  status: ChatSessionStatus;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId: string | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ type: 'text', default: 'en' })
  language: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
