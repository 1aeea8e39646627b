import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const OFFER_OUTCOMES = ['pending', 'accepted', 'rejected', 'expired', 'revoked'] as const;
export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];

/** The durable record of each offer (the live one is in the state store). */
@Entity('offers')
@Index('offers_task_idx', ['taskId'])
@Index('offers_agent_idx', ['agentId', 'createdAt'])
export class OfferEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId: string;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text', default: 'pending' })
  outcome: OfferOutcome;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
