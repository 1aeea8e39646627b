import { Injectable } from '@nestjs/common';
import { QueueEntity } from './queue.entity';

export interface QueueLiveView {
  waiting: number;
  longestWaitSeconds: number;
  /** Share of tasks answered within the SLA today (0..1), null when none answered yet. */
  serviceLevel: number | null;
  agentsAvailable: number;
}

/** STUB (being implemented): the live figures shown with each queue. */
@Injectable()
export class QueueLiveService {
  async live(queue: QueueEntity): Promise<QueueLiveView> {
    void queue;
    return { waiting: 0, longestWaitSeconds: 0, serviceLevel: null, agentsAvailable: 0 };
  }
}
