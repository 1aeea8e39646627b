import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../tasks/channel';

@Entity('queues')
export class QueueEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  channel: Channel;

  /** Skills every task of this queue requires (sorted, unique). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  skills: string[];

  /** Base priority added to each task's own (0..100; higher is served sooner). */
  @Column({ type: 'int', default: 0 })
  priority: number;

  /** Answer target: voice 20 s, chat 60 s, email 24 h by default. */
  @Column({ name: 'sla_seconds', type: 'int' })
  slaSeconds: number;

  @Column({ name: 'wrap_up_seconds', type: 'int', default: 0 })
  wrapUpSeconds: number;

  @Column({ name: 'offer_timeout_seconds', type: 'int', default: 20 })
  offerTimeoutSeconds: number;

  /** How long a task waits for its preferred (sticky) agent before anyone may take it. */
  @Column({ name: 'preferred_agent_timeout_seconds', type: 'int', default: 30 })
  preferredAgentTimeoutSeconds: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
