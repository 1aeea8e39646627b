import { Channel } from '../tasks/channel';
import { LaneInfo, LaneRef } from '../state/state-store';

/**
 * Lanes: a queue's tasks that require the same skill set wait in one sorted
 * set, so the head of a lane is a task every agent eligible for the lane can
 * take. An agent-side decision reads one head per eligible lane: the cost is
 * O(lanes · log n), never O(backlog). Tasks waiting for their preferred agent
 * sit in that agent's personal lane (one per channel) until the preference
 * times out.
 */
export function generalLane(queueId: string, channel: Channel, queueSkills: string[], taskSkills: string[]): LaneInfo {
  const skills = [...new Set([...queueSkills, ...taskSkills])].sort();
  const key = skills.length === 0 ? `q:${queueId}` : `q:${queueId}:${skills.join('+')}`;
  return { key, queueId, channel, skills };
}

export function personalLaneKey(agentId: string, channel: Channel): string {
  return `a:${agentId}:${channel}`;
}

export function isPersonalLane(laneKey: string): boolean {
  return laneKey.startsWith('a:');
}

/** Does an agent with these skills have every skill the lane requires? */
export function hasSkills(agentSkills: Record<string, number>, required: readonly string[]): boolean {
  return required.every((skill) => (agentSkills[skill] ?? 0) > 0);
}

/** Sum of the agent's proficiency over the required skills: higher is a better match. */
export function proficiency(agentSkills: Record<string, number>, required: readonly string[]): number {
  return required.reduce((sum, skill) => sum + (agentSkills[skill] ?? 0), 0);
}

/** A lane as a claim takes from it: the offer timeout is that of the lane's queue. */
export function laneRef(lane: LaneInfo, queue: { offerTimeoutSeconds: number }): LaneRef {
  return { key: lane.key, channel: lane.channel, offerTimeoutMs: queue.offerTimeoutSeconds * 1000 };
}
