import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person the contact centre talks to, on any channel. Found by phone (calls),
 * by email (mail, chat sessions that give one) or created anonymous (chat).
 */
@Entity('customers')
@Index('customers_email_key', ['email'], { unique: true, where: 'email IS NOT NULL' })
@Index('customers_phone_key', ['phone'], { unique: true, where: 'phone IS NOT NULL' })
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** Lower-cased. */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** Normalized: a leading + then digits only (see normalizePhone). */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  /** Calls from this customer wait first for this agent (sticky routing). */
  @Column({ name: 'account_manager_agent_id', type: 'uuid', nullable: true })
  accountManagerAgentId: string | null;

  @Column({ type: 'boolean', default: false })
  vip: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
