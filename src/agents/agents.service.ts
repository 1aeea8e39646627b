import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity } from './agent.entity';
import { AgentActor, assertMayCreate, assertMayUpdate } from './agent-access.policy';
import { AgentException, AgentExceptionCode } from './agent.exception';
import { AgentView } from './agent-view.dto';
import { toAgentView } from './agent-view';
import { DEFAULT_CAPACITY, mergeCapacity } from './capacity.dto';
import { CreateAgentDto } from './create-agent.dto';
import { UpdateAgentDto } from './update-agent.dto';
import { SetPresenceDto } from './set-presence.dto';
import { normalizeEmail } from './agent-fields';
import { hashPassword } from '../auth/password-hasher';
import { isUniqueViolation } from '../common/validation';
import { DirectoryService } from '../routing/directory.service';
import { PresenceService } from '../presence/presence.service';
import { LiveAgent, STATE_STORE, StateStore } from '../state/state-store';

/** Agents' durable records (Postgres) and their API views (with live presence and load). */
@Injectable()
export class AgentsService {
  private readonly logger = new Logger(AgentsService.name);

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly directory: DirectoryService,
    private readonly presence: PresenceService,
  ) {}

  /** `actor` null: created by the system (admin bootstrap), no role check. */
  async create(dto: CreateAgentDto, actor: AgentActor | null): Promise<AgentEntity> {
    const role = dto.role ?? 'agent';
    assertMayCreate(actor, role);
    const email = normalizeEmail(dto.email);
    if (await this.agents.existsBy({ email })) throw AgentException.emailTaken(email);

    const entity = this.agents.create({
      name: dto.name,
      email,
      passwordHash: await hashPassword(dto.password),
      role,
      skills: dto.skills ?? {},
      capacity: mergeCapacity(DEFAULT_CAPACITY, dto.capacity),
      extension: dto.extension ?? null,
      presenceState: 'offline',
      presenceReason: null,
      presenceSince: new Date(),
    });
    const saved = await this.save(entity);
    this.logger.log(`Agent ${saved.id} (${saved.email}, ${saved.role}) created${actor ? ` by ${actor.id}` : ''}`);
    return saved;
  }

  async update(id: string, dto: UpdateAgentDto, actor: AgentActor): Promise<AgentEntity> {
    const agent = await this.getById(id);
    assertMayUpdate(actor, agent, dto.role);
    if (dto.role !== undefined && agent.role === 'admin' && dto.role !== 'admin') {
      await this.assertNotLastAdmin();
    }
    if (dto.email !== undefined && dto.email !== agent.email) {
      if (await this.agents.existsBy({ email: dto.email })) throw AgentException.emailTaken(dto.email);
      agent.email = dto.email;
    }
    if (dto.name !== undefined) agent.name = dto.name;
    if (dto.role !== undefined) agent.role = dto.role;
    if (dto.skills !== undefined) agent.skills = dto.skills;
    if (dto.capacity !== undefined) agent.capacity = mergeCapacity(agent.capacity, dto.capacity);
    if (dto.extension !== undefined) agent.extension = dto.extension;
    if (dto.repliesNeedApproval !== undefined) {
      if (actor.role === 'agent') throw new AgentException(AgentExceptionCode.NotManageable, 'Only a supervisor may change whether replies need approval');
      agent.repliesNeedApproval = dto.repliesNeedApproval;
    }
    if (dto.password !== undefined) agent.passwordHash = await hashPassword(dto.password);
    const saved = await this.save(agent);
    if (dto.capacity !== undefined) await this.presence.capacityChanged(saved.id);
    this.logger.log(`Agent ${saved.id} updated by ${actor.id} (${Object.keys(dto).join(', ') || 'no fields'})`);
    return saved;
  }

  /** Presence is owned by PresenceService (live store, routing, sockets); this only resolves the agent and shapes the view. */
  async setPresence(id: string, dto: SetPresenceDto, actor: AgentActor): Promise<AgentView> {
    const agent = await this.getById(id);
    const live = await this.presence.setPresence(id, dto.state, dto.reason ?? null, actor);
    return toAgentView(agent, live);
  }

  list(): Promise<AgentEntity[]> {
    return this.agents.find({ order: { name: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ id });
  }

  findByEmail(email: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ email: normalizeEmail(email) });
  }

  async getById(id: string): Promise<AgentEntity> {
    const agent = await this.findById(id);
    if (!agent) throw AgentException.notFound(id);
    return agent;
  }

  async hasAdmin(): Promise<boolean> {
    return this.agents.existsBy({ role: 'admin' });
  }

  /** Promotes an existing account (admin bootstrap when the configured admin email is a lesser account). */
  async promoteToAdmin(agent: AgentEntity): Promise<AgentEntity> {
    agent.role = 'admin';
    return this.save(agent);
  }

  async view(agent: AgentEntity): Promise<AgentView> {
    return toAgentView(agent, await this.store.getAgent(agent.id));
  }

  /** One store round trip for the whole list. */
  async views(agents: AgentEntity[]): Promise<AgentView[]> {
    const live: Array<LiveAgent | null> = agents.length > 0 ? await this.store.getAgents(agents.map((a) => a.id)) : [];
    return agents.map((agent, i) => toAgentView(agent, live[i] ?? null));
  }

  private async assertNotLastAdmin(): Promise<void> {
    if ((await this.agents.countBy({ role: 'admin' })) <= 1) {
      throw new AgentException(AgentExceptionCode.LastAdmin, 'The last admin cannot be demoted; grant admin to someone else first');
    }
  }

  /** Saves and tells the routing directory; a unique-email race lost to a concurrent request is a 409, not a 500. */
  private async save(agent: AgentEntity): Promise<AgentEntity> {
    let saved: AgentEntity;
    try {
      saved = await this.agents.save(agent);
    } catch (error) {
      if (isUniqueViolation(error)) throw AgentException.emailTaken(agent.email);
      throw error;
    }
    await this.directory.agentChanged(saved);
    return saved;
  }
}
