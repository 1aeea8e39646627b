import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Routing rule for calls: the dialled number decides the queue, the priority and extra skills. */
@Entity('call_routes')
export class CallRouteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The dialled number (`to`), normalized like customer phones; unique. */
  @Column({ type: 'text', unique: true })
  number: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId: string;

  /** Task priority of calls on this number (added to the queue's). */
  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  skills: string[];

  /** Extra priority for callers flagged VIP. */
  @Column({ name: 'vip_priority_boost', type: 'int', default: 20 })
  vipPriorityBoost: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
