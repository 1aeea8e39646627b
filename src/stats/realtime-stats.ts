import type { BlendingPolicy } from '../blending/blending-policy';
import type { PresenceState } from '../presence/presence-state';
import type { Channel } from '../tasks/channel';

/** Live figures of one queue. Service level = answered within the SLA / answered (null: none answered). */
export interface QueueRealtimeStats {
  id: string;
  name: string;
  channel: Channel;
  waiting: number;
  longestWaitSeconds: number;
  serviceLevelToday: number | null;
  serviceLevelLast15m: number | null;
  answeredToday: number;
  handledToday: number;
  abandonedToday: number;
}

export interface ChannelAgentStats {
  /** Agents not offline with capacity on this channel. */
  loggedIn: number;
  /** …of which available with room on this channel now. */
  free: number;
  /** …of which holding work on this channel. */
  busy: number;
  load: number;
  capacity: number;
}

/** `GET /api/stats/realtime` and the `/supervisor` `stats` event. */
export interface RealtimeStats {
  at: string;
  queues: QueueRealtimeStats[];
  agents: {
    byState: Record<PresenceState, number>;
    byChannel: Record<Channel, ChannelAgentStats>;
  };
  /** Agents holding any work / agents not offline (null when nobody is logged in). */
  occupancy: number | null;
  blending: {
    lull: boolean;
    /** 'calls-quiet', 'too-many-calls-waiting', 'call-waiting-too-long'. */
    reason: string;
    voiceWaiting: number;
    oldestVoiceWaitSeconds: number;
    /** Agents who could take a call right now (what the voice reserve counts). */
    readyForCall: number;
    policy: BlendingPolicy;
  };
}
