/**
 * Typed socket.io event maps of the /agent and /supervisor namespaces, shared
 * by the server (src/gateway) and the client (client-softphone). Every client
 * event carries an ack answered `{ok:true,...}` or `{ok:false,error}`.
 */
import type { Channel, ChannelCounts } from '../tasks/channel';
import type { PresenceState } from '../presence/presence-state';
import type { TaskStatus } from '../tasks/task-status';

export interface TaskView {
  id: string;
  channel: Channel;
  queueId: string;
  queue: string | null;
  status: TaskStatus;
  priority: number;
  skills: string[];
  preferredAgentId: string | null;
  attributes: Record<string, unknown>;
  externalId: string | null;
  conversationId: string | null;
  agentId: string | null;
  createdAt: string;
  enqueuedAt: string;
  assignedAt: string | null;
  completedAt: string | null;
  disposition: string | null;
}

export interface PresenceView {
  state: PresenceState;
  reason: string | null;
  since: string;
  load: ChannelCounts;
  capacity: ChannelCounts;
}

export interface AckError {
  code: string;
  message: string;
}
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: AckError };

export interface AgentClientEvents {
  'presence:set': (payload: { state: PresenceState; reason?: string }, ack: (res: Ack<{ presence: PresenceView }>) => void) => void;
  'offer:accept': (payload: { offerId: string }, ack: (res: Ack<{ task: TaskView }>) => void) => void;
  'offer:reject': (payload: { offerId: string; reason?: string }, ack: (res: Ack) => void) => void;
  'task:complete': (payload: { taskId: string; disposition?: string }, ack: (res: Ack<{ task: TaskView }>) => void) => void;
}

export interface AgentServerEvents {
  offer: (payload: { offerId: string; task: TaskView; expiresAt: string }) => void;
  'offer:revoked': (payload: { offerId: string; reason: string }) => void;
  'task:assigned': (payload: { task: TaskView }) => void;
  'task:updated': (payload: { task: TaskView }) => void;
  presence: (payload: PresenceView) => void;
  error: (payload: AckError) => void;
}

export interface SupervisorAgentView {
  id: string;
  name: string;
  presence: { state: PresenceState; reason: string | null; since: string };
  load: ChannelCounts;
  capacity: ChannelCounts;
}

export interface SupervisorServerEvents {
  stats: (payload: Record<string, unknown>) => void;
  agent: (payload: SupervisorAgentView) => void;
  queue: (payload: { id: string; name: string; waiting: number }) => void;
  blending: (payload: Record<string, unknown>) => void;
  error: (payload: AckError) => void;
}
