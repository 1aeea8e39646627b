import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DirectoryService } from '../../routing/directory.service';
import { STATE_STORE, StateStore } from '../../state/state-store';
import { TaskEntity } from '../../tasks/task.entity';

/** Handle time assumed for a queue with no completed email yet. */
const DEFAULT_HANDLE_SECONDS = 10 * 60;
const HANDLE_SAMPLE = 50;

/**
 * When a new mail will be answered, from the live backlog (not a constant):
 * the emails of the queue waiting ahead of it × the queue's mean handle time
 * (last 50 completed emails) ÷ the email slots of the eligible agents now
 * signed in. With nobody signed in, the backlog cannot be worked off now, so
 * the estimate is the queue's SLA (what the centre commits to), or the backlog
 * estimate at one slot if that is longer. Rounded up to whole hours for the
 * customer (see `describeEta`).
 */
@Injectable()
export class AnswerEtaService {
  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
  ) {}

  async estimateSeconds(queueId: string): Promise<number> {
    const queue = this.directory.queue(queueId);
    const sla = queue?.slaSeconds ?? 24 * 3600;
    const [{ waiting, mean }]: Array<{ waiting: string; mean: string | null }> = await this.tasks.query(
      `SELECT (SELECT count(*) FROM tasks WHERE queue_id = $1 AND status IN ('queued', 'offered')) AS waiting,
              (SELECT avg(extract(epoch FROM completed_at - assigned_at)) FROM (
                 SELECT completed_at, assigned_at FROM tasks
                  WHERE queue_id = $1 AND channel = 'email' AND completed_at IS NOT NULL AND assigned_at IS NOT NULL
                  ORDER BY completed_at DESC LIMIT ${HANDLE_SAMPLE}) AS recent) AS mean`,
      [queueId],
    );
    const handle = mean === null ? DEFAULT_HANDLE_SECONDS : Math.max(60, Number(mean));
    const slots = await this.emailSlots(queueId);
    const backlog = Math.max(1, Number(waiting)) * handle;
    if (slots === 0) return Math.max(sla, backlog);
    return Math.ceil(backlog / slots);
  }

  private async emailSlots(queueId: string): Promise<number> {
    const queue = this.directory.queue(queueId);
    if (!queue) return 0;
    const eligible = this.directory.allAgents().filter((agent) => agent.capacity.email > 0 && queue.skills.every((skill) => (agent.skills[skill] ?? 0) > 0));
    const live = await this.store.getAgents(eligible.map((agent) => agent.id));
    return live.reduce((sum, agent) => sum + (agent && agent.state !== 'offline' ? agent.capacity.email : 0), 0);
  }
}
