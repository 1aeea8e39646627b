import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { Socket } from 'socket.io';
import { DirectoryService } from '../routing/directory.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { TaskEntity } from '../tasks/task.entity';
import { toTaskView } from '../tasks/task.view';

/** What a (re)connecting agent must see again: ringing offers and open tasks. */
@Injectable()
export class AgentResume {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
  ) {}

  async replay(socket: Socket, agentId: string): Promise<void> {
    const open = await this.tasks.findBy({ agentId, status: In(['offered', 'assigned', 'wrapping']) });
    const byId = new Map(open.map((task) => [task.id, task]));
    for (const offer of await this.store.agentOffers(agentId)) {
      const task = byId.get(offer.taskId);
      if (!task || offer.status !== 'pending') continue;
      socket.emit('offer', {
        offerId: offer.offerId,
        task: { ...this.view(task), status: 'offered', agentId },
        expiresAt: new Date(offer.expiresAt).toISOString(),
      });
    }
    for (const task of open) {
      if (task.status !== 'offered') socket.emit('task:assigned', { task: this.view(task) });
    }
  }

  private view(task: TaskEntity) {
    return toTaskView(task, this.directory.queue(task.queueId)?.name ?? null);
  }
}
