import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { SocketEmitter } from '../gateway/socket-emitter';
import { PresenceView } from '../gateway/socket-events';
import { LiveAgent, STATE_STORE, StateStore } from '../state/state-store';
import { DirectoryService } from '../routing/directory.service';

export function toPresenceView(agent: LiveAgent): PresenceView {
  return {
    state: agent.state,
    reason: agent.reason,
    since: new Date(agent.since).toISOString(),
    load: agent.load,
    capacity: agent.capacity,
  };
}

/**
 * Tells an agent (and the supervisors) its live presence and load, and keeps
 * the durable copy of presence in Postgres, from which a lost state store is
 * rebuilt.
 */
@Injectable()
export class PresenceNotifier {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly directory: DirectoryService,
    private readonly emitter: SocketEmitter,
  ) {}

  /** Reads the live agent and pushes it; `persist` when the presence state itself changed. */
  async publish(agentId: string, persist = false): Promise<LiveAgent | null> {
    const live = await this.store.getAgent(agentId);
    if (!live) return null;
    if (persist) await this.persist(live);
    this.push(live);
    return live;
  }

  push(live: LiveAgent): void {
    const view = toPresenceView(live);
    this.emitter.toAgent(live.agentId, 'presence', view);
    this.emitter.toSupervisors('agent', {
      id: live.agentId,
      name: this.directory.agent(live.agentId)?.name ?? '',
      presence: { state: view.state, reason: view.reason, since: view.since },
      load: view.load,
      capacity: view.capacity,
    });
  }

  async persist(live: LiveAgent): Promise<void> {
    await this.agents.update(
      { id: live.agentId },
      { presenceState: live.state, presenceReason: live.reason, presenceSince: new Date(live.since) },
    );
  }
}
