import { Logger } from '@nestjs/common';
import { AdminBootstrapService, DEFAULT_ADMIN_EMAIL } from './admin-bootstrap.service';
import { AgentEntity, Role } from '../agents/agent.entity';
import { AgentsService } from '../agents/agents.service';
import { CreateAgentDto } from '../agents/create-agent.dto';
import { loadConfig } from '../config/app-config';

/** An in-memory stand-in for the agents table, recording what the bootstrap did. */
class FakeAgents {
  readonly accounts: Array<{ email: string; role: Role; password: string }> = [];

  async hasAdmin(): Promise<boolean> {
    return this.accounts.some((a) => a.role === 'admin');
  }
  async findByEmail(email: string): Promise<AgentEntity | null> {
    const account = this.accounts.find((a) => a.email === email);
    return account ? Object.assign(new AgentEntity(), { email: account.email, role: account.role }) : null;
  }
  async promoteToAdmin(agent: AgentEntity): Promise<AgentEntity> {
    const account = this.accounts.find((a) => a.email === agent.email);
    if (account) account.role = 'admin';
    return agent;
  }
  async create(dto: CreateAgentDto): Promise<AgentEntity> {
    this.accounts.push({ email: dto.email, role: dto.role ?? 'agent', password: dto.password });
    return Object.assign(new AgentEntity(), { email: dto.email, role: dto.role });
  }
}

function boot(env: NodeJS.ProcessEnv, agents: FakeAgents): Promise<void> {
  const service = new AdminBootstrapService(loadConfig(env), agents as unknown as AgentsService);
  return service.onApplicationBootstrap();
}

describe('AdminBootstrapService', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('creates admin@acd.local with a random password printed once', async () => {
    const agents = new FakeAgents();
    await boot({}, agents);
    expect(agents.accounts).toEqual([{ email: DEFAULT_ADMIN_EMAIL, role: 'admin', password: expect.stringMatching(/^[\w-]{20,}$/) }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`password: ${agents.accounts[0].password}`));

    warn.mockClear();
    await boot({}, agents);
    expect(agents.accounts).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('uses ACD_ADMIN_EMAIL / ACD_ADMIN_PASSWORD and never prints that password', async () => {
    const agents = new FakeAgents();
    await boot({ ACD_ADMIN_EMAIL: 'boss@example.com', ACD_ADMIN_PASSWORD: 'from-the-env-1' }, agents);
    expect(agents.accounts).toEqual([{ email: 'boss@example.com', role: 'admin', password: 'from-the-env-1' }]);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('from-the-env-1');
  });

  it('does not overwrite the password of an existing account with the env email', async () => {
    const agents = new FakeAgents();
    agents.accounts.push({ email: 'boss@example.com', role: 'agent', password: 'chosen-by-boss' });
    await boot({ ACD_ADMIN_EMAIL: 'boss@example.com', ACD_ADMIN_PASSWORD: 'from-the-env-1' }, agents);
    expect(agents.accounts).toEqual([{ email: 'boss@example.com', role: 'admin', password: 'chosen-by-boss' }]);
  });
});
