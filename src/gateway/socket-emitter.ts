import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { AgentServerEvents, SupervisorServerEvents, TaskView } from './socket-events';

export const agentRoom = (agentId: string): string => `agent:${agentId}`;

/**
 * What a channel pushes again to an agent whose socket (re)connects, for the
 * open tasks it holds (a chat's transcript, with the lines sent while the
 * socket was down). Called by AgentResume before it emits `resumed`.
 */
export type AgentResumeListener = (agentId: string, openTasks: TaskView[]) => Promise<void>;

/**
 * The one way the domain pushes to sockets: services call this, the gateways
 * bind it to their namespaces at start-up. With the Redis adapter a room emit
 * reaches the agent whichever node holds its socket.
 */
@Injectable()
export class SocketEmitter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SocketEmitter.name);
  private agents?: Namespace;
  private supervisors?: Namespace;
  private readonly resumeListeners: AgentResumeListener[] = [];
  /** Shutting down: the adapter's Redis link is about to close, and a publish on a closed client is a rejection nobody awaits. */
  private closing = false;

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  bindAgentNamespace(namespace: Namespace): void {
    this.agents = namespace;
  }

  bindSupervisorNamespace(namespace: Namespace): void {
    this.supervisors = namespace;
  }

  toAgent<E extends keyof AgentServerEvents>(agentId: string, event: E, ...args: Parameters<AgentServerEvents[E]>): void {
    if (this.closing) return;
    if (!this.agents) return this.logger.warn(`no /agent namespace yet, dropped ${event}`);
    try {
      this.agents.to(agentRoom(agentId)).emit(event, ...args);
    } catch (error) {
      // A push that cannot go out (the adapter's Redis link is down) must not undo the decision
      // behind it: the agent's client gets the state again when it reconnects (AgentResume).
      this.logger.warn(`${event} to agent ${agentId} not pushed: ${String(error)}`);
    }
  }

  toSupervisors<E extends keyof SupervisorServerEvents>(event: E, ...args: Parameters<SupervisorServerEvents[E]>): void {
    if (this.closing) return;
    try {
      this.supervisors?.emit(event, ...args);
    } catch (error) {
      this.logger.warn(`${event} to supervisors not pushed: ${String(error)}`);
    }
  }

  /** Channels that replay their own state to a reconnecting agent (see AgentResume). */
  onAgentResume(listener: AgentResumeListener): void {
    this.resumeListeners.push(listener);
  }

  /** Runs the resume listeners; one that fails is logged and does not stop the others. */
  async agentResumed(agentId: string, openTasks: TaskView[]): Promise<void> {
    for (const listener of this.resumeListeners) {
      try {
        await listener(agentId, openTasks);
      } catch (error) {
        this.logger.warn(`resume replay for agent ${agentId} failed: ${String(error)}`);
      }
    }
  }

  /** Sockets of an agent across all nodes (used before declaring an agent gone). */
  async agentSocketCount(agentId: string): Promise<number> {
    if (!this.agents) return 0;
    const sockets = await this.agents.in(agentRoom(agentId)).fetchSockets();
    return sockets.length;
  }
}
