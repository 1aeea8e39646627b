import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { wsHandle } from '../common/ws-validation';
import { PresenceService } from '../presence/presence.service';
import { toPresenceView } from '../presence/presence-notifier';
import { OffersService } from '../routing/offers.service';
import { TasksService } from '../tasks/tasks.service';
import { OfferAcceptPayload, OfferRejectPayload, PresenceSetPayload, TaskCompletePayload, TaskNotesPayload } from './dto/agent-events.dto';
import { authenticateSocket, socketUser } from './socket-auth';
import { SocketEmitter, agentRoom } from './socket-emitter';
import { AgentResume } from './agent-resume';

/**
 * The agent's socket (/agent): presence, offers pushed with accept/reject,
 * task completion. Each client event is answered through its ack. A
 * (re)connecting agent gets its presence, its ringing offers and its open
 * tasks again, so a reload or a network drop loses nothing.
 */
@WebSocketGateway({ namespace: '/agent', cors: { origin: true } })
export class AgentGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(AgentGateway.name);
  /** Set while this node shuts down: its sockets closing is the server leaving, not the agents. */
  private closing = false;

  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    private readonly offers: OffersService,
    private readonly tasks: TasksService,
    private readonly emitter: SocketEmitter,
    private readonly resume: AgentResume,
  ) {}

  afterInit(namespace: Namespace): void {
    this.emitter.bindAgentNamespace(namespace);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = await authenticateSocket(socket, this.auth, 'agent');
    if (!user) return;
    await socket.join(agentRoom(user.id));
    const live = await this.presence.connected(user.id);
    if (live) socket.emit('presence', toPresenceView(live));
    await this.resume.replay(socket, user.id);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const user = socket.data.user as { id: string } | undefined;
    if (!user || this.closing) return;
    try {
      await this.presence.disconnected(user.id);
    } catch (error) {
      this.logger.error(`disconnect of agent ${user.id} not handled: ${String(error)}`);
    }
  }

  @SubscribeMessage('presence:set')
  onPresenceSet(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, PresenceSetPayload, payload, async (dto) => {
      const user = await socketUser(socket);
      return { presence: toPresenceView(await this.presence.setPresence(user.id, dto.state, dto.reason ?? null, user)) };
    });
  }

  @SubscribeMessage('offer:accept')
  onOfferAccept(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, OfferAcceptPayload, payload, async (dto) => {
      const user = await socketUser(socket);
      return { task: await this.offers.accept(user.id, dto.offerId) };
    });
  }

  @SubscribeMessage('offer:reject')
  onOfferReject(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, OfferRejectPayload, payload, async (dto) => {
      const user = await socketUser(socket);
      await this.offers.reject(user.id, dto.offerId, dto.reason ?? null);
      return {};
    });
  }

  @SubscribeMessage('task:complete')
  onTaskComplete(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, TaskCompletePayload, payload, async (dto) => {
      const user = await socketUser(socket);
      return { task: await this.tasks.complete(user.id, dto.taskId, dto.disposition ?? null, dto.notes) };
    });
  }

  @SubscribeMessage('task:notes')
  onTaskNotes(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return wsHandle(this.logger, TaskNotesPayload, payload, async (dto) => {
      const user = await socketUser(socket);
      return { task: await this.tasks.setNotes(user.id, dto.taskId, dto.notes) };
    });
  }
}
