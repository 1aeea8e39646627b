import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const TASK_EVENT_TYPES = [
  'created',
  'queued',
  'offered',
  'offer_accepted',
  'offer_rejected',
  'offer_expired',
  'offer_revoked',
  'assigned',
  'completed',
  'wrapup_ended',
  'canceled',
  'abandoned',
  'transferred',
  'requeued',
  // The telephony system confirmed the call is connected to the agent (call.answered).
  'connected',
  // The agent put the call on hold / took it back (src/channels/voice/call-control.service.ts).
  'held',
  'resumed',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** Every state change of every task, with its time and agent: the history reports are computed from. */
@Entity('task_events')
@Index('task_events_task_idx', ['taskId', 'at'])
@Index('task_events_at_idx', ['at'])
export class TaskEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ type: 'text' })
  type: TaskEventType;

  @Column({ name: 'queue_id', type: 'uuid', nullable: true })
  queueId: string | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  data: Record<string, unknown>;
}
