import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { BlendingPolicy } from './blending-policy';

/** The live blending policy, one row (id 1): the truth every node loads at boot and on change. */
@Entity('blending_policy')
export class BlendingPolicyEntity {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ type: 'jsonb' })
  policy: BlendingPolicy;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;
}

/** Every change of the policy: who, when, which fields (before → after), and the policy that resulted. */
@Entity('blending_policy_changes')
@Index('blending_policy_changes_at_idx', ['at'])
export class BlendingPolicyChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  @Column({ name: 'changed_by_name', type: 'text', nullable: true })
  changedByName: string | null;

  @Column({ type: 'jsonb' })
  changes: Record<string, { before: unknown; after: unknown }>;

  @Column({ type: 'jsonb' })
  policy: BlendingPolicy;
}
