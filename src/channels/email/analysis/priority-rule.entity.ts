import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PriorityRuleKind, PriorityRuleLanguage } from './priority-rule';

/**
 * A priority rule as supervisors configure it (see priority-rule.ts for the
 * matching and the scale).
 *
 * One rule per pattern and kind whatever the case: `priority_rules_pattern_kind_key`
 * is a unique index on `(lower(pattern), kind)`, created by the migration
 * (TypeORM cannot describe an expression index, hence `synchronize: false`).
 * It also makes seeding the defaults idempotent when several nodes boot at once.
 */
@Entity('priority_rules')
@Index('priority_rules_pattern_kind_key', { synchronize: false })
export class PriorityRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  pattern: string;

  @Column({ type: 'integer' })
  weight: number;

  @Column({ type: 'text' })
  kind: PriorityRuleKind;

  /** `fr`, `en`, or null for both. */
  @Column({ type: 'text', nullable: true })
  language: PriorityRuleLanguage | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
