import { AgentEntity } from './agent.entity';
import { AgentView } from './agent-view.dto';
import { LiveAgent } from '../state/state-store';
import { zeroCounts } from '../tasks/channel';

/**
 * The API view of an agent. Presence and load come from the live store; an
 * agent the store does not hold (never connected since the store was rebuilt)
 * shows its last durable presence and no load.
 */
export function toAgentView(agent: AgentEntity, live: LiveAgent | null): AgentView {
  const presence = live
    ? { state: live.state, reason: live.reason, since: new Date(live.since).toISOString() }
    : { state: agent.presenceState, reason: agent.presenceReason, since: agent.presenceSince.toISOString() };
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    role: agent.role,
    skills: { ...agent.skills },
    // Rebuilt key by key: jsonb returns keys in its own order, the API keeps voice, chat, email.
    capacity: { voice: agent.capacity.voice, chat: agent.capacity.chat, email: agent.capacity.email },
    extension: agent.extension,
    repliesNeedApproval: agent.repliesNeedApproval,
    presence,
    load: live ? { voice: live.load.voice, chat: live.load.chat, email: live.load.email } : zeroCounts(),
  };
}
