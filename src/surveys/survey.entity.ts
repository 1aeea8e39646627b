import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A customer-satisfaction survey for one completed email or chat task, answered through its token link. */
@Entity('surveys')
@Index('surveys_token_key', ['token'], { unique: true })
@Index('surveys_task_key', ['taskId'], { unique: true })
@Index('surveys_answered_idx', ['answeredAt'])
export class SurveyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unguessable (32 random bytes, base64url): the only key of the public link. */
  @Column({ type: 'text' })
  token: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  /** 1..5 */
  @Column({ type: 'int', nullable: true })
  score: number | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;
}
