import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { SocketEmitter } from '../gateway/socket-emitter';
import { DirectoryService } from '../routing/directory.service';
import { TappedTaskEvent, TaskEventTap } from '../stats/task-event-tap';
import { TaskEntity } from '../tasks/task.entity';
import { toTaskView } from '../tasks/task.view';

/** What a parked email carries in `attributes.parked`. */
export interface ParkedMark {
  /** The call that interrupted the email. */
  byTaskId: string;
  since: string;
}

/** Events that end a call for its agent. */
const CALL_ENDED = new Set(['completed', 'canceled', 'abandoned', 'transferred']);

/**
 * Interruptible email: an agent working emails may be offered a call (the
 * store's claim rules allow it when the policy says so). When the agent takes
 * the call, its open emails are **parked**: they stay assigned to the agent
 * (never re-queued, so nobody else can take them and they keep counting in the
 * agent's load), and carry `attributes.parked = {byTaskId, since}`; the agent's
 * screen gets `task:updated` and shows them set aside. When that call ends
 * (completed, canceled, abandoned or transferred), the mark is removed and the
 * agent gets `task:updated` again: the email is back on its screen, with the
 * same agent, where it was left.
 */
@Injectable()
export class EmailParkingService implements OnModuleInit {
  private readonly logger = new Logger(EmailParkingService.name);

  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly tap: TaskEventTap,
    private readonly emitter: SocketEmitter,
    private readonly directory: DirectoryService,
  ) {}

  onModuleInit(): void {
    this.tap.on((event) => this.onTaskEvent(event));
  }

  async onTaskEvent(event: TappedTaskEvent): Promise<void> {
    if (event.channel !== 'voice' || !event.agentId) return;
    if (event.type === 'assigned') await this.park(event.agentId, event.taskId, event.at);
    else if (CALL_ENDED.has(event.type)) await this.resume(event.agentId, event.taskId);
  }

  /** The agent took a call: its open emails are set aside. */
  async park(agentId: string, callTaskId: string, at: Date): Promise<number> {
    const emails = await this.tasks.findBy({ agentId, channel: 'email', status: In(['assigned']) });
    const mark: ParkedMark = { byTaskId: callTaskId, since: at.toISOString() };
    for (const email of emails) {
      await this.tasks.query(`UPDATE tasks SET attributes = attributes || jsonb_build_object('parked', $2::jsonb), updated_at = now() WHERE id = $1 AND status = 'assigned'`, [
        email.id,
        JSON.stringify(mark),
      ]);
      await this.push(agentId, email.id);
    }
    if (emails.length > 0) this.logger.debug(`agent ${agentId} took call ${callTaskId}: ${emails.length} email(s) parked`);
    return emails.length;
  }

  /** The call is over: the emails it interrupted are back with the agent. */
  async resume(agentId: string, callTaskId: string): Promise<number> {
    const rows: Array<{ id: string }> = await this.tasks.query(
      `SELECT id FROM tasks WHERE agent_id = $1 AND channel = 'email' AND attributes->'parked'->>'byTaskId' = $2`,
      [agentId, callTaskId],
    );
    for (const { id } of rows) {
      await this.tasks.query(`UPDATE tasks SET attributes = attributes - 'parked', updated_at = now() WHERE id = $1`, [id]);
      await this.push(agentId, id);
    }
    return rows.length;
  }

  private async push(agentId: string, taskId: string): Promise<void> {
    const task = await this.tasks.findOneBy({ id: taskId });
    if (!task) return;
    this.emitter.toAgent(agentId, 'task:updated', { task: toTaskView(task, this.directory.queue(task.queueId)?.name ?? null) });
  }
}
