import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from './channel';
import { TaskStatus } from './task-status';

/** Longest wrap-up notes accepted (characters), on the socket and the call-control API. */
export const NOTES_MAX_LENGTH = 2000;

@Entity('tasks')
@Index('tasks_status_idx', ['status'])
@Index('tasks_agent_idx', ['agentId'])
// Oldest waiting task of a queue, today's answered tasks of a queue: the live queue figures.
@Index('tasks_queue_status_idx', ['queueId', 'status', 'enqueuedAt'])
export class TaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  @Column({ type: 'text', default: 'queued' })
  status: TaskStatus;

  /** The task's own priority, added to the queue's. */
  @Column({ type: 'int', default: 0 })
  priority: number;

  /** Skills beyond the queue's, required for this task only. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  skills: string[];

  @Column({ name: 'preferred_agent_id', type: 'uuid', nullable: true })
  preferredAgentId: string | null;

  @Column({ name: 'preferred_until', type: 'timestamptz', nullable: true })
  preferredUntil: Date | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  attributes: Record<string, unknown>;

  /** Caller's id (e.g. a PBX call id): creating twice with it returns the first task. */
  @Index('tasks_external_id_key', { unique: true, where: 'external_id IS NOT NULL' })
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId: string | null;

  /** The agent holding the task (offered, assigned or wrapping). */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  /** Virtual deadline in epoch ms: the queue order (lower first). Never rescored while waiting. */
  @Column({ type: 'double precision' })
  score: number;

  /** When the task (last) entered its queue; aging counts from here. */
  @Column({ name: 'enqueued_at', type: 'timestamptz' })
  enqueuedAt: Date;

  @Column({ name: 'assigned_at', type: 'timestamptz', nullable: true })
  assignedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  disposition: string | null;

  /** The agent's wrap-up notes (sent with the completion, changed during wrap-up; at most NOTES_MAX_LENGTH characters). */
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
