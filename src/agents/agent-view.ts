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
    capacity: { ...agent.capacity },
    extension: agent.extension,
    presence,
    load: live ? { ...live.load } : zeroCounts(),
  };
}
