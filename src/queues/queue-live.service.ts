import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DirectoryService } from '../routing/directory.service';
import { hasSkills } from '../routing/lanes';
import { STATE_STORE, StateStore } from '../state/state-store';
import { TaskEntity } from '../tasks/task.entity';
import { QueueEntity } from './queue.entity';

export interface QueueLiveView {
  waiting: number;
  longestWaitSeconds: number;
  /** Share of today's answered tasks answered within the SLA (0..1); null when none answered yet. */
  serviceLevel: number | null;
  agentsAvailable: number;
}

/** The live figures shown with each queue: from the state store (waiting, free agents) and today's history. */
@Injectable()
export class QueueLiveService {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
  ) {}

  async live(queue: QueueEntity): Promise<QueueLiveView> {
    const lanes = this.directory.lanesOfQueue(queue.id);
    const sizes = await this.store.laneSizes(lanes.map((lane) => lane.key));
    const waiting = sizes.reduce((sum, size) => sum + size, 0);
    const startOfDay = new Date();
    startOfDay.setHours(0, 0, 0, 0);
    const row = await this.tasks
      .createQueryBuilder('t')
      .select(`MIN(t.enqueued_at) FILTER (WHERE t.status = 'queued')`, 'oldest')
      .addSelect(`COUNT(*) FILTER (WHERE t.assigned_at >= :day)`, 'answered')
      .addSelect(`COUNT(*) FILTER (WHERE t.assigned_at >= :day AND t.assigned_at - t.created_at <= make_interval(secs => :sla))`, 'withinSla')
      .where('t.queue_id = :queueId', { queueId: queue.id })
      .andWhere(`(t.status = 'queued' OR t.assigned_at >= :day)`)
      .setParameters({ day: startOfDay, sla: queue.slaSeconds })
      .getRawOne<{ oldest: Date | null; answered: string; withinSla: string }>();
    const answered = Number(row?.answered ?? 0);
    const free = await this.store.listFreeAgents(queue.channel, 0, 10_000);
    const agentsAvailable = free.filter((id) => {
      const agent = this.directory.agent(id);
      return agent !== undefined && hasSkills(agent.skills, queue.skills);
    }).length;
    return {
      waiting,
      longestWaitSeconds: row?.oldest ? Math.max(0, Math.round((Date.now() - new Date(row.oldest).getTime()) / 1000)) : 0,
      serviceLevel: answered === 0 ? null : Number(row?.withinSla ?? 0) / answered,
      agentsAvailable,
    };
  }
}
