import { performance } from 'node:perf_hooks';
import * as bcrypt from 'bcryptjs';
import { Client } from 'pg';
import type { Repository } from 'typeorm';
import { AgentEntity } from '../../src/agents/agent.entity';
import { QueueEntity } from '../../src/queues/queue.entity';
import { DirectoryService } from '../../src/routing/directory.service';
import { generalLane } from '../../src/routing/lanes';
import { RedisStateStore } from '../../src/state/redis/redis-state-store';
import { ApiClient } from '../../test/support/api-client';
import { SocketClient } from '../../test/support/agent-client';
import { mapLimit, sleep } from '../support/stats';

/**
 * The floor the app is measured with: a chat queue the bench agents serve, an
 * email queue whose skill no bench agent has (its tasks stay queued: the
 * standing backlog), agents logged in over the API with live sockets.
 */
export const CHAT_QUEUE = 'bench-chat';
export const BACKLOG_QUEUE = 'bench-backlog';
const AGENT_PASSWORD = 'bench-agent-password';

export interface OfferFrame {
  offerId: string;
  task: { id: string; attributes: Record<string, unknown> };
  expiresAt: string;
}

export interface BenchAgent {
  id: string;
  email: string;
  client?: SocketClient;
}

/** What the agents did with the offers they got: accept and complete at once. */
export interface AgentActivity {
  onOffer: (frame: OfferFrame, receivedAt: number) => void;
  /** Offers received and not yet accepted + completed (or failed). */
  inFlight: number;
  completed: number;
  failures: Map<string, number>;
}

export function newActivity(): AgentActivity {
  return { onOffer: () => undefined, inFlight: 0, completed: 0, failures: new Map() };
}

function fail(activity: AgentActivity, code: string): void {
  activity.failures.set(code, (activity.failures.get(code) ?? 0) + 1);
}

/** A TypeORM repository stand-in: the bench's DirectoryService never reads, it only announces agents. */
function emptyRepository<T extends object>(): Repository<T> {
  return { find: async () => [], findOneBy: async () => null } as unknown as Repository<T>;
}

export class Floor {
  readonly agents: BenchAgent[] = [];
  chatQueueId = '';
  /** The lane the chat tasks wait in (the queue's skills, no task skills). */
  chatLaneKey = '';
  backlogQueueId = '';
  backlogLaneKey = '';
  private backlogSize = 0;
  private backlogScoreBase = 0;

  constructor(
    private readonly admin: ApiClient,
    private readonly baseUrl: string,
    private readonly pg: Client,
    private readonly store: RedisStateStore,
    private readonly activity: AgentActivity,
  ) {}

  async createQueues(): Promise<void> {
    const chat = await this.admin.post('/api/queues', {
      name: CHAT_QUEUE, channel: 'chat', skills: ['bench'], priority: 0, slaSeconds: 60, wrapUpSeconds: 0, offerTimeoutSeconds: 20,
    });
    const backlog = await this.admin.post('/api/queues', {
      name: BACKLOG_QUEUE, channel: 'email', skills: ['backlog'], priority: 0, slaSeconds: 86_400, wrapUpSeconds: 0, offerTimeoutSeconds: 60,
    });
    if (chat.status !== 201 || backlog.status !== 201) {
      throw new Error(`POST /api/queues answered ${chat.status} / ${backlog.status}: ${JSON.stringify(chat.body)} ${JSON.stringify(backlog.body)}`);
    }
    this.chatQueueId = chat.body.id;
    this.backlogQueueId = backlog.body.id;
    this.chatLaneKey = generalLane(chat.body.id, 'chat', chat.body.skills, []).key;
  }

  /**
   * `count` agents (skill bench, chat capacity 1, no email) written straight
   * to Postgres in one INSERT … SELECT generate_series, then announced the way
   * a node announces an agent it created (DirectoryService.agentChanged: live
   * agent put in the store, directory message on the bus; the app reloads it).
   * Why not POST /api/agents: bcrypt cost 10 is ~100 ms of the app's only
   * thread per agent, 100 s for 1 000. Their password hash has cost 4, so the
   * real logins (POST /api/auth/login) below take ~2 ms each.
   */
  async createAgents(count: number): Promise<void> {
    const hash = await bcrypt.hash(AGENT_PASSWORD, 4);
    const offset = this.agents.length;
    const { rows } = await this.pg.query<{ id: string; name: string; email: string; role: AgentEntity['role']; skills: Record<string, number>; capacity: AgentEntity['capacity']; extension: string | null }>(
      `INSERT INTO agents (name, email, password_hash, role, skills, capacity)
       SELECT 'Bench agent ' || g, 'bench-agent-' || g || '@bench.local', $1, 'agent', '{"bench":5}'::jsonb, '{"voice":0,"chat":1,"email":0}'::jsonb
       FROM generate_series($2::int + 1, $2::int + $3::int) AS g
       RETURNING id, name, email, role, skills, capacity, extension`,
      [hash, offset, count],
    );
    const directory = new DirectoryService(emptyRepository<AgentEntity>(), emptyRepository<QueueEntity>(), this.store);
    for (const row of rows) {
      await directory.agentChanged(Object.assign(new AgentEntity(), row));
      this.agents.push({ id: row.id, email: row.email });
    }
  }

  /** Logs in (real API), connects the /agent socket, sets presence available (with retries while the app loads the agent). */
  async bringOnline(agents: BenchAgent[], concurrency: number): Promise<void> {
    await mapLimit(agents, concurrency, async (agent) => {
      const login = await new ApiClient(this.baseUrl).post('/api/auth/login', { email: agent.email, password: AGENT_PASSWORD });
      if (login.status !== 200 && login.status !== 201) throw new Error(`login of ${agent.email} answered ${login.status}: ${JSON.stringify(login.body)}`);
      const client = await SocketClient.connect(this.baseUrl, '/agent', login.body.accessToken);
      agent.client = client;
      client.socket.on('offer', (frame: OfferFrame) => {
        this.activity.onOffer(frame, performance.now());
        void this.acceptAndComplete(client, frame);
      });
      for (let attempt = 0; ; attempt++) {
        const ack = await client.emit('presence:set', { state: 'available' }, 30_000);
        if (ack.ok) break;
        if (attempt >= 50) throw new Error(`presence:set for ${agent.email}: ${JSON.stringify(ack.error)}`);
        await sleep(100);
      }
    });
  }

  /** Every offer is accepted and the task completed at once (wrap-up 0: the agent is free again). */
  private async acceptAndComplete(client: SocketClient, frame: OfferFrame): Promise<void> {
    this.activity.inFlight++;
    try {
      const accepted = await client.emit('offer:accept', { offerId: frame.offerId }, 15_000);
      if (!accepted.ok) return fail(this.activity, `accept:${accepted.error?.code ?? 'unknown'}`);
      const completed = await client.emit('task:complete', { taskId: frame.task.id }, 15_000);
      if (!completed.ok) return fail(this.activity, `complete:${completed.error?.code ?? 'unknown'}`);
      this.activity.completed++;
    } catch (error) {
      fail(this.activity, error instanceof Error ? error.message.slice(0, 60) : 'error');
    } finally {
      this.activity.inFlight--;
    }
  }

  /**
   * The standing backlog: the first email task through the API (the app
   * registers its lane), then the rest straight into Postgres (one INSERT …
   * SELECT generate_series) and into the store's lane with the store's own
   * `enqueue`, pipelined. Grows the backlog to `size`; returns seconds spent.
   */
  async growBacklog(size: number): Promise<number> {
    const start = performance.now();
    if (this.backlogSize === 0) {
      const first = await this.admin.post('/api/tasks', { channel: 'email', queue: BACKLOG_QUEUE, attributes: { bench: 'backlog' } });
      if (first.status !== 201) throw new Error(`POST /api/tasks (backlog) answered ${first.status}: ${JSON.stringify(first.body)}`);
      const queued = await this.store.findQueued(first.body.id);
      if (!queued) throw new Error(`the first backlog task ${first.body.id} is not queued in the store (status ${first.body.status})`);
      this.backlogLaneKey = queued.laneKey;
      this.backlogScoreBase = queued.score;
      this.backlogSize = 1;
    }
    const add = size - this.backlogSize;
    if (add > 0) {
      const { rows } = await this.pg.query<{ id: string; score: number }>(
        `INSERT INTO tasks (channel, queue_id, status, priority, skills, attributes, score, enqueued_at)
         SELECT 'email', $1, 'queued', 0, '[]'::jsonb, '{"bench":"backlog"}'::jsonb, $2::double precision + g, now()
         FROM generate_series($3::int, $4::int) AS g
         RETURNING id, score`,
        [this.backlogQueueId, this.backlogScoreBase, this.backlogSize, size - 1],
      );
      for (let i = 0; i < rows.length; i += 5000) {
        await Promise.all(rows.slice(i, i + 5000).map((row) => this.store.enqueue({ taskId: row.id, laneKey: this.backlogLaneKey, score: Number(row.score) })));
      }
      this.backlogSize = size;
    }
    const [inLane] = await this.store.laneSizes([this.backlogLaneKey]);
    if (inLane !== size) throw new Error(`the backlog lane holds ${inLane} tasks, expected ${size}`);
    return (performance.now() - start) / 1000;
  }

  closeSockets(): void {
    for (const agent of this.agents) agent.client?.close();
  }
}
