import { Channel } from '../tasks/channel';

/** Answer targets by channel: a caller hangs up in seconds, a chatter in a minute, an emailer waits a day. */
export const DEFAULT_SLA_SECONDS: Record<Channel, number> = { voice: 20, chat: 60, email: 86_400 };

/** How long an offer rings before it goes to someone else (and the agent is set away: RONA). */
export const DEFAULT_OFFER_TIMEOUT_SECONDS: Record<Channel, number> = { voice: 15, chat: 30, email: 60 };

export const DEFAULT_WRAP_UP_SECONDS = 0;
export const DEFAULT_PRIORITY = 0;
export const DEFAULT_PREFERRED_AGENT_TIMEOUT_SECONDS = 30;

export const MAX_PRIORITY = 100;
/** 30 days: the longest SLA that still means something for a backlog. */
export const MAX_SLA_SECONDS = 30 * 86_400;
export const MAX_WRAP_UP_SECONDS = 3_600;
export const MIN_OFFER_TIMEOUT_SECONDS = 1;
export const MAX_OFFER_TIMEOUT_SECONDS = 3_600;
export const MAX_PREFERRED_AGENT_TIMEOUT_SECONDS = 7 * 86_400;
export const MAX_QUEUE_SKILLS = 50;
