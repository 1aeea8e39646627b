import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChannelCounts } from '../tasks/channel';
import { PresenceState } from '../presence/presence-state';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person on the floor (agents, supervisors and admins are all users of the ACD). */
@Entity('agents')
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text', default: 'agent' })
  role: Role;

  /** skill → proficiency 1..10 */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  skills: Record<string, number>;

  @Column({ type: 'jsonb', default: { voice: 1, chat: 3, email: 2 } })
  capacity: ChannelCounts;

  /** Last presence, kept durable so a lost state store can be rebuilt. */
  @Column({ name: 'presence_state', type: 'text', default: 'offline' })
  presenceState: PresenceState;

  @Column({ name: 'presence_reason', type: 'text', nullable: true })
  presenceReason: string | null;

  @Column({ name: 'presence_since', type: 'timestamptz', default: () => 'now()' })
  presenceSince: Date;

  /** Email replies written by this agent wait for a supervisor's approval before they are sent. */
  @Column({ name: 'replies_need_approval', type: 'boolean', default: false })
  repliesNeedApproval: boolean;

  /** Telephony extension the PBX connects calls to. */
  @Column({ type: 'text', nullable: true })
  extension: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
