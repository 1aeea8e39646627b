import { ClaimRules } from '../state/state-store';
import { Channel } from '../tasks/channel';

/** Policy-level caps per channel, applied on top of each agent's own capacity (min of both). */
export type ChannelCaps = Partial<Record<Channel, number>>;

/**
 * Overrides for a team of agents (members by agent id). A team's values replace
 * the floor-wide ones for its members; an agent in several teams takes the
 * first team in name order.
 */
export interface TeamOverride {
  members: string[];
  lullMaxVoiceWaiting?: number;
  lullMaxVoiceWaitSeconds?: number;
  emailSlaGuardPercent?: number;
  channelCapacity?: ChannelCaps;
}

/** The live blending policy (supervisor-editable through /api/blending). */
export interface BlendingPolicy {
  /** Lull rule: deferrable work (email) is offered only while at most this many calls wait… */
  lullMaxVoiceWaiting: number;
  /** …and the oldest waiting call has waited at most this long. */
  lullMaxVoiceWaitSeconds: number;
  /** Keep at least this many voice-capable agents ready for a call (free of email/chat). */
  voiceReserveAgents: number;
  /** An agent working on emails may still be offered a call (the email is parked). */
  interruptibleEmail: boolean;
  /**
   * Chats and a call at the same time: an agent on a call may still be
   * offered chats, and one holding chats a call (each up to its capacity).
   * Off by default: a call is exclusive.
   */
  chatDuringCalls: boolean;
  /** An email that has waited this share of its SLA is offered even outside a lull. */
  emailSlaGuardPercent: number;
  /** Floor-wide caps per channel on top of each agent's capacity (`{}`: none). */
  channelCapacity: ChannelCaps;
  /** Per-team overrides, by team name. */
  teams: Record<string, TeamOverride>;
}

export const DEFAULT_BLENDING_POLICY: BlendingPolicy = {
  lullMaxVoiceWaiting: 0,
  lullMaxVoiceWaitSeconds: 0,
  voiceReserveAgents: 0,
  interruptibleEmail: false,
  chatDuringCalls: false,
  emailSlaGuardPercent: 80,
  channelCapacity: {},
  teams: {},
};

/** Deep copy (the policy travels between nodes as JSON and must never be shared by reference). */
export function clonePolicy(policy: BlendingPolicy): BlendingPolicy {
  return JSON.parse(JSON.stringify(policy)) as BlendingPolicy;
}

/**
 * Exclusivity, enforced atomically by the state store on every claim: a call
 * is exclusive (an agent with chat or email work is offered no call, and an
 * agent on a call is offered nothing else), except that with interruptible
 * email an agent working on emails may still take a call, and with
 * `chatDuringCalls` chat and voice no longer block each other (a chat can
 * arrive during a call, a call while chats are open). Email is never offered
 * during a call.
 */
export function claimRulesFor(policy: Pick<BlendingPolicy, 'interruptibleEmail' | 'chatDuringCalls'>): ClaimRules {
  const voice: Channel[] = [];
  if (!policy.chatDuringCalls) voice.push('chat');
  if (!policy.interruptibleEmail) voice.push('email');
  return {
    blockers: {
      voice,
      chat: policy.chatDuringCalls ? [] : ['voice'],
      email: ['voice'],
    },
  };
}
