import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every telephony event received, once per (callId, type): the primary key
 * makes a redelivered event a no-op, and the rows tell a late event what
 * already happened to its call (out-of-order delivery).
 */
@Entity('telephony_events')
export class TelephonyEventEntity {
  @PrimaryColumn({ name: 'call_id', type: 'text' })
  callId: string;

  @PrimaryColumn({ type: 'text' })
  type: string;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  payload: Record<string, unknown>;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
