import { Inject, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { toPresenceView } from '../presence/presence-notifier';
import { DirectoryService } from '../routing/directory.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { BlendingService } from '../blending/blending.service';
import { StatsService } from '../stats/stats.service';
import { authenticateSocket } from './socket-auth';
import { SocketEmitter } from './socket-emitter';

/** The supervisors' socket (/supervisor): agent, queue, stats and blending changes pushed as they happen. */
@WebSocketGateway({ namespace: '/supervisor', cors: { origin: true } })
export class SupervisorGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(SupervisorGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly emitter: SocketEmitter,
    private readonly directory: DirectoryService,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly blending: BlendingService,
    private readonly moduleRef: ModuleRef,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bindSupervisorNamespace(namespace);
  }

  /** A new supervisor screen starts with every agent's current state. */
  async handleConnection(socket: Socket): Promise<void> {
    const user = await authenticateSocket(socket, this.auth, 'supervisor');
    if (!user) return;
    for (const live of await this.store.listAgents()) {
      const view = toPresenceView(live);
      socket.emit('agent', {
        id: live.agentId,
        name: this.directory.agent(live.agentId)?.name ?? '',
        presence: { state: view.state, reason: view.reason, since: view.since },
        load: view.load,
        capacity: view.capacity,
      });
    }
    socket.emit('blending', { ...this.blending.policy(), updatedAt: null, updatedBy: null, changed: [] });
    // StatsService lives in StatsModule (which imports this module's dependencies): resolved at run time.
    const stats = this.moduleRef.get(StatsService, { strict: false });
    socket.emit('stats', await stats.realtime());
    this.logger.debug(`supervisor ${user.id} connected`);
  }
}
