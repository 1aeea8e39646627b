import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A random pick of handled tasks in a period, for quality review. */
@Entity('quality_samples')
export class QualitySampleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'period_from', type: 'timestamptz' })
  periodFrom: Date;

  @Column({ name: 'period_to', type: 'timestamptz' })
  periodTo: Date;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  /** How many were asked for (fewer are picked when the period has fewer). */
  @Column({ type: 'int' })
  requested: number;

  @Column({ name: 'task_ids', type: 'jsonb' })
  taskIds: string[];
}

/** A reviewer's score of one handled task. */
@Entity('quality_reviews')
@Index('quality_reviews_task_idx', ['taskId'])
@Index('quality_reviews_agent_idx', ['agentId', 'createdAt'])
export class QualityReviewEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ name: 'sample_id', type: 'uuid', nullable: true })
  sampleId: string | null;

  /** The agent who handled the task (the one reviewed). */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId: string | null;

  /** 0..100 */
  @Column({ type: 'int' })
  score: number;

  /** criterion → 0..100 (greeting, accuracy, tone…) */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  criteria: Record<string, number>;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
