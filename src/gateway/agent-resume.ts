import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { Socket } from 'socket.io';
import { DirectoryService } from '../routing/directory.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { SocketEmitter } from './socket-emitter';
import { TaskEntity } from '../tasks/task.entity';
import { toTaskView } from '../tasks/task.view';

/**
 * What a (re)connecting agent must see again: ringing offers, open tasks,
 * what the channels replay for them (a chat's transcript), then `resumed`
 * with the ids of every task the agent still holds, so a client that kept
 * tabs across a network drop can tell which of them ended meanwhile.
 */
@Injectable()
export class AgentResume {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly directory: DirectoryService,
    private readonly emitter: SocketEmitter,
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
    const held = open.filter((task) => task.status !== 'offered').map((task) => this.view(task));
    for (const task of held) socket.emit('task:assigned', { task });
    await this.emitter.agentResumed(agentId, held);
    socket.emit('resumed', { taskIds: held.map((task) => task.id) });
  }

  private view(task: TaskEntity) {
    return toTaskView(task, this.directory.queue(task.queueId)?.name ?? null);
  }
}
