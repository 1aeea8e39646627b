/**
 * Typed socket.io event maps of the /agent and /supervisor namespaces, shared
 * by the server (src/gateway) and the client (client-softphone). Every client
 * event carries an ack answered `{ok:true,...}` or `{ok:false,error}`.
 */
import type { Channel, ChannelCounts } from '../tasks/channel';
import type { PresenceState } from '../presence/presence-state';
import type { TaskStatus } from '../tasks/task-status';
import type { BlendingPolicy } from '../blending/blending-policy';
import type { RealtimeStats } from '../stats/realtime-stats';

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
  /** The agent's wrap-up notes (`task:complete`, then `task:notes` during wrap-up). */
  notes: string | null;
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
  'task:complete': (payload: { taskId: string; disposition?: string; notes?: string }, ack: (res: Ack<{ task: TaskView }>) => void) => void;
  /** Replaces the notes of a task the agent holds, in progress or in wrap-up (empty clears them). */
  'task:notes': (payload: { taskId: string; notes: string }, ack: (res: Ack<{ task: TaskView }>) => void) => void;
  /** Writes to the visitor of a chat the agent holds (by task or conversation). */
  'chat:send': (payload: { taskId?: string; conversationId?: string; text: string }, ack: (res: Ack<{ message: ChatLine }>) => void) => void;
}

export interface AgentServerEvents {
  offer: (payload: { offerId: string; task: TaskView; expiresAt: string }) => void;
  'offer:revoked': (payload: { offerId: string; reason: string }) => void;
  'task:assigned': (payload: { task: TaskView }) => void;
  'task:updated': (payload: { task: TaskView }) => void;
  presence: (payload: PresenceView) => void;
  /** A line of a chat the agent holds (from the visitor). */
  'chat:message': (payload: { taskId: string; conversationId: string; message: ChatLine }) => void;
  /** The chat so far (self-service included), pushed when the agent accepts the chat. */
  'chat:transcript': (payload: { taskId: string; conversationId: string; messages: ChatLine[] }) => void;
  /** The visitor left the chat. */
  'chat:closed': (payload: { taskId: string; conversationId: string; reason: string }) => void;
  /** A new mail from the customer on an email conversation the agent holds (a reply threaded into it). */
  'email:message': (payload: { taskId: string; conversationId: string; messageId: string; from: string | null; subject: string | null }) => void;
  /**
   * End of the replay that follows every (re)connection: the tasks the agent
   * holds now (assigned or wrapping). A task the client still shows that is
   * not listed ended while its socket was down.
   */
  resumed: (payload: { taskIds: string[] }) => void;
  /** One of the agent's replies changed state (approved and sent, rejected with a comment, failed). */
  'reply:updated': (payload: { reply: ReplyView }) => void;
  error: (payload: AckError) => void;
}

/** An outgoing email (acknowledgement, auto-reply or an agent's reply) and where it stands. */
export interface ReplyView {
  id: string;
  kind: 'acknowledgement' | 'auto-reply' | 'reply';
  status: 'pending_approval' | 'rejected' | 'queued' | 'sending' | 'sent' | 'failed';
  conversationId: string;
  taskId: string | null;
  authorAgentId: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  templateId: string | null;
  attempts: number;
  lastError: string | null;
  reviewReason: string | null;
  reviewComment: string | null;
  reviewedBy: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** One line of a web chat, as the visitor and the agent see it. */
export interface ChatLine {
  id: string;
  author: 'visitor' | 'bot' | 'agent';
  /** Agent's name for agent lines. */
  name: string | null;
  text: string;
  at: string;
  /** Choices offered with a bot answer, e.g. `talk-to-person`. */
  actions?: string[];
}

/** `/chat` (the website visitor): client → server, each with an ack. */
export interface ChatClientEvents {
  message: (payload: { text: string }, ack: (res: Ack<{ message: ChatLine; status: string }>) => void) => void;
  /** "Talk to a person": leave self-service and queue for an agent. */
  handoff: (payload: { reason?: string }, ack: (res: Ack<{ status: string }>) => void) => void;
  close: (payload: { reason?: string }, ack: (res: Ack<{ status: string }>) => void) => void;
}

/** `/chat`: server → visitor. */
export interface ChatServerEvents {
  /** On (re)connection: the session and its transcript. */
  session: (payload: { sessionId: string; conversationId: string; ref: string; status: string; messages: ChatLine[] }) => void;
  message: (payload: ChatLine) => void;
  /** Place in the queue (1 = next), on every change while waiting. */
  queued: (payload: { position: number; etaSeconds: number }) => void;
  assigned: (payload: { agentName: string | null }) => void;
  closed: (payload: { reason: string }) => void;
  /**
   * After an agent completed the chat (usually just after `closed`): the path
   * of the satisfaction survey (`GET` the question, `POST {score 1..5, comment?}`
   * to answer, once), relative to the deployment's public URL.
   */
  survey: (payload: { link: string }) => void;
  error: (payload: AckError) => void;
}

export interface SupervisorAgentView {
  id: string;
  name: string;
  presence: { state: PresenceState; reason: string | null; since: string };
  load: ChannelCounts;
  capacity: ChannelCounts;
}

/** `blending`: the live policy's fields (src/blending/blending-policy.ts), plus who changed what and when. */
export interface BlendingPush extends BlendingPolicy {
  updatedAt: string | null;
  updatedBy: string | null;
  /** Fields that changed (empty on connect). */
  changed: string[];
}

export interface SupervisorServerEvents {
  /** Real-time statistics (src/stats/realtime-stats.ts), on change, at most once a second. */
  stats: (payload: RealtimeStats) => void;
  agent: (payload: SupervisorAgentView) => void;
  queue: (payload: { id: string; name: string; waiting: number }) => void;
  blending: (payload: BlendingPush) => void;
  /** A reply entered or left the approval queue. */
  'reply:updated': (payload: { reply: ReplyView }) => void;
  error: (payload: AckError) => void;
}
