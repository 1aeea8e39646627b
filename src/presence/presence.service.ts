import { Injectable } from '@nestjs/common';
import { PresenceState } from './presence-state';
import { LiveAgent } from '../state/state-store';

export interface PresenceActor {
  id: string;
  role: 'agent' | 'supervisor' | 'admin';
}

/** STUB (being implemented): presence changes, from the agent or forced by a supervisor. */
@Injectable()
export class PresenceService {
  async setPresence(agentId: string, state: PresenceState, reason: string | null, actor: PresenceActor): Promise<LiveAgent> {
    void agentId; void state; void reason; void actor;
    throw new Error('not implemented yet');
  }
}
