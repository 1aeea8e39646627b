/**
 * The socket contract, shared with the server: type-only imports of the event
 * maps in src/gateway/socket-events.ts (erased at build time, checked by
 * `tsc -p client-softphone/tsconfig.json`).
 */
export type {
  Ack,
  AckError,
  AgentClientEvents,
  AgentServerEvents,
  BlendingPush,
  ChatLine,
  PresenceView,
  ReplyView,
  SupervisorAgentView,
  SupervisorServerEvents,
  TaskView,
} from '../../../src/gateway/socket-events';
export type { Channel, ChannelCounts } from '../../../src/tasks/channel';
export type { PresenceState } from '../../../src/presence/presence-state';
export type { TaskStatus } from '../../../src/tasks/task-status';
export type { BlendingPolicy } from '../../../src/blending/blending-policy';
export type { RealtimeStats } from '../../../src/stats/realtime-stats';
export type { CallControlResult, TelephonyOutcome } from '../../../src/channels/voice/call-control.view';
export type { QualityReviewView, QualitySampleSummary, QualitySampleView, SampledTask } from '../../../src/quality/quality.view';

/** Mirrors NO_ANSWER_REASON in src/presence/presence-state.ts (a value, so not importable type-only). */
export const NO_ANSWER_REASON = 'no-answer';
export const CHANNELS = ['voice', 'chat', 'email'] as const;

export type Role = 'agent' | 'supervisor' | 'admin';

/** `user` of `POST /api/auth/login` and the items of `GET /api/agents`. */
export interface AgentRecord {
  id: string;
  name: string;
  email: string;
  role: Role;
  skills: Record<string, number>;
  capacity: { voice: number; chat: number; email: number };
  extension?: string | null;
  presence: { state: import('../../../src/presence/presence-state').PresenceState; reason: string | null; since: string };
  load: { voice: number; chat: number; email: number };
}

/** Items of `GET /api/queues` (definition plus live figures). */
export interface QueueRecord {
  id: string;
  name: string;
  channel: import('../../../src/tasks/channel').Channel;
  skills: string[];
  priority: number;
  slaSeconds: number;
  wrapUpSeconds: number;
  offerTimeoutSeconds: number;
  waiting: number;
  longestWaitSeconds: number;
  serviceLevel: number | null;
  agentsAvailable: number;
  abandoned?: number;
}

export const hasRole = (role: Role, minimum: Role): boolean => {
  const rank: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };
  return rank[role] >= rank[minimum];
};

/** `GET /api/customers/:id/journey` (src/customers/customer-journey.service.ts). */
export interface CustomerJourney {
  customer: { id: string; name: string | null; email: string | null; phone: string | null; vip: boolean; createdAt: string };
  contacts: JourneyContact[];
}

export interface JourneyContact {
  conversationId: string;
  ref: string;
  channel: import('../../../src/tasks/channel').Channel;
  subject: string | null;
  status: string;
  startedAt: string;
  messageCount: number;
  handledBy: Array<{ agentId: string; name: string | null }>;
  outcome: { status: string; disposition: string | null; notes: string | null } | null;
  tasks: Array<{
    id: string;
    channel: string;
    queue: string | null;
    status: string;
    agentId: string | null;
    agentName: string | null;
    createdAt: string;
    assignedAt: string | null;
    completedAt: string | null;
    disposition: string | null;
    notes: string | null;
    events: Array<{ type: string; at: string; agentId: string | null; data: Record<string, unknown> }>;
  }>;
}

/**
 * `GET /api/conversations/:id` (src/conversations/conversation.view.ts; that
 * file also imports entities, which this build does not compile, hence the
 * copy).
 */
export interface ConversationView {
  id: string;
  ref: string;
  channel: import('../../../src/tasks/channel').Channel;
  subject: string | null;
  status: string;
  ownerAgentId: string | null;
  createdAt: string;
  customer: { id: string; name: string | null; email: string | null; phone: string | null; vip: boolean } | null;
  messages: ConversationMessage[];
}

export interface ConversationMessage {
  id: string;
  direction: 'in' | 'out';
  channel: string;
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  messageId: string | null;
  authorAgentId: string | null;
  at: string;
  /** Email attachments (download: `GET /api/email/attachments/:id`, bearer token). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Items of `GET /api/templates` (src/templates/templates.dto.ts). */
export interface TemplateSummary {
  id: string;
  name: string;
  language: 'fr' | 'en';
  subject: string | null;
  body: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

/** `POST /api/templates/:id/preview`. */
export interface TemplatePreview {
  subject: string;
  text: string;
  html: string;
  missingFields: string[];
}

/** The context of a preview: merge-field values, all strings (src/templates/merge-context.ts). */
export interface PreviewContext {
  customer?: { name?: string; email?: string; firstName?: string };
  ticket?: { ref?: string; subject?: string };
  conversation?: { ref?: string; subject?: string };
  agent?: { name?: string; email?: string };
  mailbox?: { address?: string };
}
