import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { QueueEntity } from '../queues/queue.entity';
import { LaneInfo, STATE_STORE, StateStore } from '../state/state-store';
import { CHANNELS, Channel } from '../tasks/channel';
import { generalLane, hasSkills, personalLaneKey } from './lanes';

/** What routing needs to know of an agent: read on every decision, so kept in memory. */
export interface AgentProfile {
  id: string;
  name: string;
  email: string;
  role: AgentEntity['role'];
  skills: Record<string, number>;
  capacity: AgentEntity['capacity'];
  extension: string | null;
}

export type QueueProfile = Pick<
  QueueEntity,
  'id' | 'name' | 'channel' | 'skills' | 'priority' | 'slaSeconds' | 'wrapUpSeconds' | 'offerTimeoutSeconds' | 'preferredAgentTimeoutSeconds'
>;

const TOPIC = 'directory';

interface DirectoryMessage {
  kind: 'agent' | 'agent-removed' | 'queue' | 'lane';
  id: string;
  /** The node that made the change: it has updated its own copy already. */
  origin: string;
}

/**
 * The in-process directory of agents' skills and capacity, queues, and lanes
 * that routing decisions read. Postgres is the source of truth; every node
 * keeps a copy, and a change made on one node is announced on the state
 * store's bus so the others reload that one record.
 */
@Injectable()
export class DirectoryService implements OnModuleInit {
  private readonly logger = new Logger(DirectoryService.name);
  private readonly nodeId = randomUUID();
  private readonly agents = new Map<string, AgentProfile>();
  private readonly queues = new Map<string, QueueProfile>();
  private readonly queuesByName = new Map<string, QueueProfile>();
  private readonly lanes = new Map<string, LaneInfo>();
  private readonly agentListeners: Array<(agentId: string) => void> = [];
  private readonly queueListeners: Array<(queueId: string) => void> = [];
  /** Ids changed while `reloadAll` reads: set only during a reload. */
  private touchedDuringReload: Set<string> | undefined;

  constructor(
    @InjectRepository(AgentEntity) private readonly agentRepo: Repository<AgentEntity>,
    @InjectRepository(QueueEntity) private readonly queueRepo: Repository<QueueEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.subscribe(TOPIC, (raw) => void this.onMessage(raw));
    await this.reloadAll();
  }

  /** Reloads everything from Postgres and the store (boot, recovery). */
  async reloadAll(): Promise<void> {
    // Changes made while the reads are in flight are newer than what the reads return: keep them.
    const touched = new Set<string>();
    this.touchedDuringReload = touched;
    let read: [AgentEntity[], QueueEntity[], LaneInfo[]];
    try {
      read = await Promise.all([this.agentRepo.find(), this.queueRepo.find(), this.store.listLanes()]);
    } finally {
      this.touchedDuringReload = undefined;
    }
    const [agents, queues, lanes] = read;
    const kept = new Map([...touched].map((id) => [id, this.agents.get(id)] as const));
    const keptQueues = [...touched].map((id) => this.queues.get(id)).filter((queue): queue is QueueProfile => queue !== undefined);
    this.agents.clear();
    for (const agent of agents) this.agents.set(agent.id, toProfile(agent));
    for (const [id, profile] of kept) {
      if (profile) this.agents.set(id, profile);
      else this.agents.delete(id);
    }
    this.queues.clear();
    this.queuesByName.clear();
    for (const queue of [...queues, ...keptQueues]) this.cacheQueue(queue);
    // Lanes are never removed: merge.
    for (const lane of lanes) this.lanes.set(lane.key, lane);
  }

  // ---- reads ------------------------------------------------------------------

  agent(agentId: string): AgentProfile | undefined {
    return this.agents.get(agentId);
  }

  allAgents(): AgentProfile[] {
    return [...this.agents.values()];
  }

  queue(queueId: string): QueueProfile | undefined {
    return this.queues.get(queueId);
  }

  queueByIdOrName(idOrName: string): QueueProfile | undefined {
    return this.queues.get(idOrName) ?? this.queuesByName.get(idOrName.toLowerCase());
  }

  allQueues(): QueueProfile[] {
    return [...this.queues.values()];
  }

  lane(key: string): LaneInfo | undefined {
    return this.lanes.get(key);
  }

  lanesOfQueue(queueId: string): LaneInfo[] {
    return [...this.lanes.values()].filter((lane) => lane.queueId === queueId && !lane.preferredAgentId);
  }

  /** General lanes this agent has the skills and the capacity for, plus its personal lanes. */
  lanesForAgent(agent: AgentProfile): LaneInfo[] {
    const out: LaneInfo[] = [];
    for (const lane of this.lanes.values()) {
      if (lane.preferredAgentId) continue;
      if (agent.capacity[lane.channel] > 0 && hasSkills(agent.skills, lane.skills)) out.push(lane);
    }
    for (const channel of CHANNELS) {
      const key = personalLaneKey(agent.id, channel);
      const lane = this.lanes.get(key);
      if (lane && agent.capacity[channel] > 0) out.push(lane);
    }
    return out;
  }

  // ---- writes -------------------------------------------------------------------

  /** Makes sure a lane is known to the store and to every node. */
  async ensureLane(lane: LaneInfo): Promise<void> {
    if (this.lanes.has(lane.key)) return;
    this.lanes.set(lane.key, lane);
    if (await this.store.registerLane(lane)) await this.announce({ kind: 'lane', id: lane.key });
  }

  /** The general lane of a queue for a task with these extra skills. */
  generalLaneFor(queue: QueueProfile, taskSkills: string[]): LaneInfo {
    return generalLane(queue.id, queue.channel, queue.skills, taskSkills);
  }

  /** A lane another node registered a moment ago: read it from the store. */
  async refreshLane(key: string): Promise<LaneInfo | undefined> {
    for (const lane of await this.store.listLanes()) this.lanes.set(lane.key, lane);
    return this.lanes.get(key);
  }

  personalLane(agentId: string, channel: Channel, queueId: string): LaneInfo {
    return { key: personalLaneKey(agentId, channel), queueId, channel, skills: [], preferredAgentId: agentId };
  }

  /** Call after an agent was created or changed in Postgres. */
  async agentChanged(agent: AgentEntity): Promise<void> {
    this.touchedDuringReload?.add(agent.id);
    this.agents.set(agent.id, toProfile(agent));
    await this.store.putAgent(agent.id, agent.capacity, Date.now());
    await this.announce({ kind: 'agent', id: agent.id });
    this.notifyAgent(agent.id);
  }

  /** Call after an agent was deleted. */
  async agentRemoved(agentId: string): Promise<void> {
    this.touchedDuringReload?.add(agentId);
    this.agents.delete(agentId);
    await this.store.removeAgent(agentId);
    await this.announce({ kind: 'agent-removed', id: agentId });
  }

  /** Call after a queue was created or changed in Postgres. */
  async queueChanged(queue: QueueEntity): Promise<void> {
    this.touchedDuringReload?.add(queue.id);
    this.cacheQueue(queue);
    await this.announce({ kind: 'queue', id: queue.id });
    this.notifyQueue(queue.id);
  }

  /** Routing re-runs for an agent whose skills or capacity changed (on any node). */
  onAgentChanged(listener: (agentId: string) => void): void {
    this.agentListeners.push(listener);
  }

  onQueueChanged(listener: (queueId: string) => void): void {
    this.queueListeners.push(listener);
  }

  // ---- internals ----------------------------------------------------------------------

  private cacheQueue(queue: QueueProfile): void {
    const previous = this.queues.get(queue.id);
    if (previous) this.queuesByName.delete(previous.name.toLowerCase());
    const profile = toQueueProfile(queue);
    this.queues.set(queue.id, profile);
    this.queuesByName.set(queue.name.toLowerCase(), profile);
  }

  private async announce(message: Omit<DirectoryMessage, 'origin'>): Promise<void> {
    await this.store.publish(TOPIC, JSON.stringify({ ...message, origin: this.nodeId }));
  }

  /** Another node (or this one) changed a record: reload just that one. */
  private async onMessage(raw: string): Promise<void> {
    try {
      const message = JSON.parse(raw) as DirectoryMessage;
      if (message.origin === this.nodeId) return;
      switch (message.kind) {
        case 'agent': {
          const agent = await this.agentRepo.findOneBy({ id: message.id });
          if (agent) this.agents.set(agent.id, toProfile(agent));
          this.touchedDuringReload?.add(message.id);
          this.notifyAgent(message.id);
          break;
        }
        case 'agent-removed':
          this.agents.delete(message.id);
          this.touchedDuringReload?.add(message.id);
          break;
        case 'queue': {
          const queue = await this.queueRepo.findOneBy({ id: message.id });
          if (queue) this.cacheQueue(queue);
          this.touchedDuringReload?.add(message.id);
          this.notifyQueue(message.id);
          break;
        }
        case 'lane':
          if (!this.lanes.has(message.id)) {
            for (const lane of await this.store.listLanes()) this.lanes.set(lane.key, lane);
          }
          break;
      }
    } catch (error) {
      this.logger.error(`directory message ${raw} failed: ${String(error)}`);
    }
  }

  private notifyAgent(agentId: string): void {
    for (const listener of this.agentListeners) listener(agentId);
  }

  private notifyQueue(queueId: string): void {
    for (const listener of this.queueListeners) listener(queueId);
  }
}

/** A queue's settings, without its bookkeeping columns: what routing reads and the API shows. */
export function toQueueProfile(queue: QueueProfile): QueueProfile {
  return {
    id: queue.id,
    name: queue.name,
    channel: queue.channel,
    skills: [...queue.skills],
    priority: queue.priority,
    slaSeconds: queue.slaSeconds,
    wrapUpSeconds: queue.wrapUpSeconds,
    offerTimeoutSeconds: queue.offerTimeoutSeconds,
    preferredAgentTimeoutSeconds: queue.preferredAgentTimeoutSeconds,
  };
}

function toProfile(agent: AgentEntity): AgentProfile {
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    role: agent.role,
    skills: { ...agent.skills },
    capacity: { ...agent.capacity },
    extension: agent.extension,
  };
}
