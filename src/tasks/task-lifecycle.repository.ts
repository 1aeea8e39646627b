import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NamedStatement, StatementPool } from '../database/statement-pool';
import { OfferOutcome } from '../routing/offer.entity';
import { Channel } from './channel';
import { TaskEntity } from './task.entity';
import { TaskEventType } from './task-event.entity';
import { TaskHistoryService } from './task-history.service';
import { TaskStatus } from './task-status';

/** What a new task is made of (the rest is defaulted by the table). */
export interface NewTask {
  channel: Channel;
  queueId: string;
  priority: number;
  skills: string[];
  preferredAgentId: string | null;
  preferredUntil: Date | null;
  attributes: Record<string, unknown>;
  externalId: string | null;
  conversationId: string | null;
  score: number;
  enqueuedAt: Date;
}

/** A task row as the statements below read it back (pg has already parsed dates, jsonb and numbers). */
interface TaskRow {
  id: string;
  channel: Channel;
  queue_id: string;
  status: TaskStatus;
  priority: number;
  skills: string[];
  preferred_agent_id: string | null;
  preferred_until: Date | null;
  attributes: Record<string, unknown>;
  external_id: string | null;
  conversation_id: string | null;
  agent_id: string | null;
  score: number;
  enqueued_at: Date;
  assigned_at: Date | null;
  completed_at: Date | null;
  disposition: string | null;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns read back (named, not `*`: the rows are mapped field by field, and a column added later is not read). */
const COLUMNS =
  'id, channel, queue_id, status, priority, skills, preferred_agent_id, preferred_until, attributes, external_id, ' +
  'conversation_id, agent_id, score, enqueued_at, assigned_at, completed_at, disposition, notes, created_at, updated_at';

/*
 * Only a key is indexable in these statements: every other condition is
 * written `(…) IS TRUE`, which no index of these tables can serve (only an
 * index on that very boolean expression could). They run as named
 * statements whose generic plan Postgres makes once and keeps; with a status
 * or agent condition indexable, a plan made while `tasks` was nearly empty
 * could read it through `tasks_status_idx` or `tasks_queue_status_idx`, and
 * walk every queued task once 100 000 were queued (seen in the bench: p50
 * 353 ms per offer). Checked for every statement in test/task-lifecycle.spec.ts.
 */

/** Appends one task event for the task `$<task>` (read from the statement's snapshot of `tasks`). */
const eventFor = (task: string, type: string, agent: string, at: string, data: string): string =>
  `INSERT INTO task_events (task_id, type, queue_id, agent_id, channel, at, data)
   SELECT id, ${type}::text, queue_id, ${agent}::uuid, channel, ${at}::timestamptz, ${data}::jsonb FROM tasks WHERE id = ${task}`;

/** The updated row, or the row as it is when the update did not apply (so the caller always gets the task). */
const updatedOrCurrent = (task: string): string =>
  `SELECT ${COLUMNS} FROM t UNION ALL SELECT ${COLUMNS} FROM tasks WHERE id = ${task} AND NOT EXISTS (SELECT 1 FROM t)`;

const CREATE: NamedStatement = { name: 'task_create', text: `
  WITH t AS (
    INSERT INTO tasks (channel, queue_id, status, priority, skills, preferred_agent_id, preferred_until, attributes,
                       external_id, conversation_id, score, enqueued_at)
    VALUES ($1, $2, 'queued', $3, $4::jsonb, $5, $6, $7::jsonb, $8, $9, $10, $11)
    ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING ${COLUMNS}
  ), e AS (
    INSERT INTO task_events (task_id, type, queue_id, agent_id, channel, at, data)
    SELECT id, 'created', queue_id, NULL, channel, $11::timestamptz, $12::jsonb FROM t
  )
  SELECT ${COLUMNS} FROM t` };

const OFFERED: NamedStatement = { name: 'task_offered', text: `
  WITH o AS (
    INSERT INTO offers (id, task_id, agent_id, channel, outcome, created_at, expires_at)
    SELECT $2::uuid, id, $3::uuid, $4::text, 'pending', $5::timestamptz, $6::timestamptz FROM tasks WHERE id = $1
  ), t AS (
    UPDATE tasks SET status = 'offered', agent_id = $3, updated_at = now() WHERE id = $1 AND (status = 'queued') IS TRUE RETURNING ${COLUMNS}
  ), e AS (${eventFor('$1', "'offered'", '$3', '$5', '$7')})
  ${updatedOrCurrent('$1')}` };

const ASSIGNED: NamedStatement = { name: 'task_assigned', text: `
  WITH t AS (
    UPDATE tasks SET status = 'assigned', agent_id = $3, assigned_at = $4, updated_at = now()
     WHERE id = $1 AND (status IN ('queued', 'offered')) IS TRUE RETURNING ${COLUMNS}
  ), o AS (
    UPDATE offers SET outcome = 'accepted', reason = NULL, ended_at = $4 WHERE id = $2 AND outcome = 'pending'
  ), e AS (${eventFor('$1', "'assigned'", '$3', '$4', '$5')})
  ${updatedOrCurrent('$1')}` };

// $5: {queueId: wrapUpSeconds} for the queues with a wrap-up (from the directory, as routing reads it).
// $6, $7: the agent's notes (null clears them) when $7 is true; when false the notes already on the task stay.
// The event carries the task's notes when it has some.
const COMPLETED: NamedStatement = { name: 'task_completed', text: `
  WITH t AS (
    UPDATE tasks
       SET status = CASE WHEN COALESCE(($5::jsonb ->> queue_id::text)::int, 0) > 0 THEN 'wrapping' ELSE 'completed' END,
           completed_at = $3, disposition = $4, notes = CASE WHEN $7::boolean THEN $6::text ELSE notes END, updated_at = now()
     WHERE id = $1 AND (agent_id = $2 AND status = 'assigned') IS TRUE
     RETURNING ${COLUMNS}
  ), e AS (
    INSERT INTO task_events (task_id, type, queue_id, agent_id, channel, at, data)
    SELECT id, 'completed', queue_id, $2::uuid, channel, $3::timestamptz,
           jsonb_build_object('disposition', $4::text, 'wrapUpSeconds', COALESCE(($5::jsonb ->> queue_id::text)::int, 0))
             || CASE WHEN notes IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('notes', notes) END
      FROM t
  )
  SELECT ${COLUMNS} FROM t` };

const BY_EXTERNAL_ID: NamedStatement = { name: 'task_by_external_id', text: `SELECT ${COLUMNS} FROM tasks WHERE external_id = $1` };

// The agent's notes, while the task is theirs and not over (in progress or in wrap-up).
const NOTES: NamedStatement = { name: 'task_notes', text: `
  UPDATE tasks SET notes = $3, updated_at = now()
   WHERE id = $1 AND (agent_id = $2 AND status IN ('assigned', 'wrapping')) IS TRUE
   RETURNING ${COLUMNS}` };

const REQUEUED: NamedStatement = { name: 'task_requeued', text: `
  WITH t AS (
    UPDATE tasks SET status = 'queued', agent_id = NULL, updated_at = now() WHERE id = $1 AND (status IN ('offered', 'queued')) IS TRUE RETURNING ${COLUMNS}
  ), o AS (
    UPDATE offers SET outcome = $3, reason = $4, ended_at = $5 WHERE id = $2 AND outcome = 'pending'
  ), e AS (${eventFor('$1', '$6', '$7', '$5', '$8')})
  ${updatedOrCurrent('$1')}` };

/** Every statement below (the hot-path pool's plans for them are checked in test/task-lifecycle.spec.ts). */
export const LIFECYCLE_STATEMENTS: readonly NamedStatement[] = [CREATE, BY_EXTERNAL_ID, OFFERED, ASSIGNED, COMPLETED, NOTES, REQUEUED];

/**
 * The task transitions on the offer path, each ONE Postgres statement: the
 * task row change, the offer record and the task event are written together
 * (data-modifying CTEs), so history is never behind the task and nothing is
 * lost on a crash; every statement answers the task row (RETURNING), so no
 * read follows a write. Raw parameterised SQL, sent by name on the hot-path
 * pool (StatementPool): these run several times per task at hundreds of tasks
 * per second, where TypeORM's query building and entity mapping, and
 * Postgres's parsing and planning, cost more than the statement itself. The task
 * events written here are handed to the history's listeners exactly like the
 * ones `TaskHistoryService.record` inserts.
 */
@Injectable()
export class TaskLifecycleRepository {
  private readonly statements: StatementPool;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly history: TaskHistoryService,
  ) {
    this.statements = StatementPool.for(dataSource);
  }

  /**
   * Inserts a queued task and its `created` event. Null when a task with the
   * same externalId exists (idempotent create: the caller reads that one).
   */
  async create(task: NewTask): Promise<TaskEntity | null> {
    const data = { priority: task.priority, externalId: task.externalId };
    const row = await this.one(CREATE, [
      task.channel, task.queueId, task.priority, JSON.stringify(task.skills), task.preferredAgentId, task.preferredUntil,
      JSON.stringify(task.attributes), task.externalId, task.conversationId, task.score, task.enqueuedAt, JSON.stringify(data),
    ]);
    if (!row) return null;
    const created = toTask(row);
    this.history.announce(created, { type: 'created', at: task.enqueuedAt, data });
    return created;
  }

  async findByExternalId(externalId: string): Promise<TaskEntity | null> {
    const row = await this.one(BY_EXTERNAL_ID, [externalId]);
    return row && toTask(row);
  }

  /**
   * An offer was made: the offer record, `offered` (if the task was still
   * queued) and its event. Null when the task does not exist (nothing written).
   */
  async offered(offer: { offerId: string; taskId: string; agentId: string; channel: string; createdAt: Date; expiresAt: Date }): Promise<TaskEntity | null> {
    const data = { offerId: offer.offerId };
    const row = await this.one(OFFERED, [
      offer.taskId, offer.offerId, offer.agentId, offer.channel, offer.createdAt, offer.expiresAt, JSON.stringify(data),
    ]);
    if (!row) return null;
    const task = toTask(row);
    this.history.announce(task, { type: 'offered', agentId: offer.agentId, at: offer.createdAt, data });
    return task;
  }

  /** The agent accepted: `assigned` (if still queued or offered), the offer record closed, the event. */
  async assigned(taskId: string, offerId: string, agentId: string, at: Date): Promise<TaskEntity | null> {
    const data = { offerId };
    const row = await this.one(ASSIGNED, [taskId, offerId, agentId, at, JSON.stringify(data)]);
    if (!row) return null;
    const task = toTask(row);
    this.history.announce(task, { type: 'assigned', agentId, at, data });
    return task;
  }

  /**
   * The agent finished: `wrapping` or `completed` (the queue's wrap-up, from
   * `wrapUps`), only if the task is assigned to this agent; and the event.
   * Null when it was not (the caller finds out why).
   */
  async completed(
    taskId: string,
    agentId: string,
    disposition: string | null,
    at: Date,
    wrapUps: Record<string, number>,
    /** The notes as completed (null clears them); undefined keeps those on the task. */
    notes?: string | null,
  ): Promise<TaskEntity | null> {
    const row = await this.one(COMPLETED, [taskId, agentId, at, disposition, JSON.stringify(wrapUps), notes ?? null, notes !== undefined]);
    if (!row) return null;
    const task = toTask(row);
    const wrapUpSeconds = wrapUps[task.queueId] ?? 0;
    const data = task.notes === null ? { disposition, wrapUpSeconds } : { disposition, wrapUpSeconds, notes: task.notes };
    this.history.announce(task, { type: 'completed', agentId, at, data });
    return task;
  }

  /**
   * The agent's notes (null clears them), only while the task is this
   * agent's and in progress or in wrap-up. Null when it was not (the caller
   * finds out why). No task event: the history keeps state changes, and the
   * notes as they were at completion are in the `completed` event.
   */
  async notesChanged(taskId: string, agentId: string, notes: string | null): Promise<TaskEntity | null> {
    const row = await this.one(NOTES, [taskId, agentId, notes]);
    return row && toTask(row);
  }

  /** The offer ended without an accept: the task back to `queued`, the offer record closed, the event. */
  async requeued(
    offer: { offerId: string; taskId: string; agentId: string },
    outcome: OfferOutcome,
    reason: string,
    event: TaskEventType,
    at: Date,
  ): Promise<TaskEntity | null> {
    const data = { offerId: offer.offerId, reason };
    const row = await this.one(REQUEUED, [offer.taskId, offer.offerId, outcome, reason, at, event, offer.agentId, JSON.stringify(data)]);
    if (!row) return null;
    const task = toTask(row);
    this.history.announce(task, { type: event, agentId: offer.agentId, at, data });
    return task;
  }

  /** Named statements on their own connections (see StatementPool: parsed and planned once per connection). */
  private async one(statement: NamedStatement, values: unknown[]): Promise<TaskRow | null> {
    const rows = await this.statements.rows<TaskRow>(statement, values);
    return rows[0] ?? null;
  }
}

function toTask(row: TaskRow): TaskEntity {
  return Object.assign(new TaskEntity(), {
    id: row.id,
    channel: row.channel,
    queueId: row.queue_id,
    status: row.status,
    priority: row.priority,
    skills: row.skills,
    preferredAgentId: row.preferred_agent_id,
    preferredUntil: row.preferred_until,
    attributes: row.attributes,
    externalId: row.external_id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    score: row.score,
    enqueuedAt: row.enqueued_at,
    assignedAt: row.assigned_at,
    completedAt: row.completed_at,
    disposition: row.disposition,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
