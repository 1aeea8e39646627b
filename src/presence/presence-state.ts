export const PRESENCE_STATES = ['offline', 'available', 'away', 'wrapup'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** Reason set by the ACD when an agent lets an offer ring out (RONA). */
export const NO_ANSWER_REASON = 'no-answer';
