import { ClaimRules } from '../state/state-store';

/** The live blending policy (supervisor-editable through /api/blending). */
export interface BlendingPolicy {
  /** Lull rule: deferrable work (email) is offered only while at most this many calls wait… */
  lullMaxVoiceWaiting: number;
  /** …and the oldest waiting call has waited at most this long. */
  lullMaxVoiceWaitSeconds: number;
  /** Keep at least this many voice-capable agents free of email/chat. */
  voiceReserveAgents: number;
  /** An agent working on emails may still be offered a call (the email is parked). */
  interruptibleEmail: boolean;
  /** An email that has waited this share of its SLA is offered even outside a lull. */
  emailSlaGuardPercent: number;
}

export const DEFAULT_BLENDING_POLICY: BlendingPolicy = {
  lullMaxVoiceWaiting: 0,
  lullMaxVoiceWaitSeconds: 0,
  voiceReserveAgents: 0,
  interruptibleEmail: false,
  emailSlaGuardPercent: 80,
};

/**
 * Exclusivity, enforced atomically by the state store on every claim: a call
 * is exclusive (an agent with chat or email work is offered no call, and an
 * agent on a call is offered nothing else), except that with interruptible
 * email an agent working on emails may still take a call.
 */
export function claimRulesFor(policy: Pick<BlendingPolicy, 'interruptibleEmail'>): ClaimRules {
  return {
    blockers: {
      voice: policy.interruptibleEmail ? ['chat'] : ['chat', 'email'],
      chat: ['voice'],
      email: ['voice'],
    },
  };
}
