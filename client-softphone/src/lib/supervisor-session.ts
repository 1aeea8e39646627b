import { io, type Socket } from 'socket.io-client';
import { api, isMissing } from './api';
import type { AgentRecord, BlendingPolicy, Channel, PresenceState, QueueRecord, RealtimeStats, ReplyView, SupervisorAgentView, SupervisorServerEvents, TaskView } from './contract';
import type { ConnectionState } from './agent-session';
import { Store } from './store';

type SupervisorSocket = Socket<SupervisorServerEvents, Record<string, never>>;

/** Live queue row: the API's figures plus when they were read (the longest wait keeps ticking on screen). */
export interface QueueRow extends QueueRecord {
  readAt: number;
  /** Handled today (wrap-up or completed), from the real-time statistics. */
  handled?: number;
}

const REFRESH_DELAY_MS = 300;

/**
 * The wallboard's state: agents and queues from the API, then kept live by the
 * /supervisor socket (`agent`, `queue`, `blending`, `stats`). A `queue` event
 * carries only the waiting count, so the queue's other live figures (longest
 * wait, service level, free agents) are re-read from `GET /api/queues/:id`, at
 * most once per burst. Open tasks are re-read the same way. The real-time
 * statistics (agents by state, occupancy, blending lull, handled and
 * abandoned today) come with `stats`, which the server pushes on task and
 * routing changes; a presence change alone does not push it, so an `agent`
 * event also re-reads `GET /api/stats/realtime` with the burst.
 */
export class SupervisorSession extends Store {
  connection: ConnectionState = 'connecting';
  readonly agents = new Map<string, AgentRecord | (SupervisorAgentView & Partial<AgentRecord>)>();
  readonly queues = new Map<string, QueueRow>();
  tasks: TaskView[] = [];
  /** null while unknown, 'missing' when the server has no blending endpoint yet. */
  blending: BlendingPolicy | 'missing' | null = null;
  /** The latest real-time statistics; null until read (or when the server has none). */
  stats: RealtimeStats | null = null;
  /** Replies waiting for approval (`GET /api/replies?status=pending_approval`, then `reply:updated`), oldest first. */
  readonly pendingReplies = new Map<string, ReplyView>();
  /** Replies that left the approval queue while this console was open (approved, rejected, by whom): the page says what became of them. */
  readonly reviewedReplies = new Map<string, ReplyView>();
  /** null until read; 'missing' when the server has no replies endpoint. */
  repliesState: 'ready' | 'missing' | null = null;
  private socket: SupervisorSocket | null = null;
  private readonly staleQueues = new Set<string>();
  private refreshTimer: number | null = null;
  private tasksStale = false;
  /** An agent changed: every queue's free-agent count may have changed, re-read them all at once. */
  private allQueuesStale = false;
  private statsStale = false;

  connect(token: string): void {
    this.disconnect();
    const socket: SupervisorSocket = io('/supervisor', { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 3000 });
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'online';
      this.changed();
      void this.loadAll();
      void this.loadReplies().catch((error: unknown) => console.warn('approval queue not loaded', error));
    });
    socket.on('disconnect', () => {
      this.connection = 'offline';
      this.changed();
    });
    socket.on('agent', (view) => {
      const known = this.agents.get(view.id);
      this.agents.set(view.id, { ...known, ...view, name: view.name || known?.name || '' });
      this.tasksStale = true;
      this.allQueuesStale = true;
      this.statsStale = true;
      this.schedule();
      this.changed();
    });
    socket.on('queue', ({ id, waiting }) => {
      const known = this.queues.get(id);
      if (known) this.queues.set(id, { ...known, waiting });
      this.staleQueues.add(id);
      this.tasksStale = true;
      this.schedule();
      this.changed();
    });
    // Abandoned calls are not in GET /api/queues: take them from the live statistics push.
    socket.on('stats', (stats) => this.takeStats(stats));
    socket.on('reply:updated', ({ reply }) => this.takeReply(reply));
    socket.on('blending', (policy) => {
      this.blending = { ...(typeof this.blending === 'object' ? this.blending : {}), ...(policy as Partial<BlendingPolicy>) } as BlendingPolicy;
      this.changed();
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.pendingReplies.clear();
    this.reviewedReplies.clear();
    this.repliesState = null;
    if (this.refreshTimer !== null) window.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  async loadAll(): Promise<void> {
    const [agents, queues] = await Promise.all([api<AgentRecord[]>('GET', '/api/agents'), api<QueueRecord[]>('GET', '/api/queues')]);
    const now = Date.now();
    this.agents.clear();
    agents.forEach((agent) => this.agents.set(agent.id, agent));
    this.queues.clear();
    queues.forEach((queue) => this.queues.set(queue.id, { ...queue, readAt: now }));
    if (this.stats) this.takeStats(this.stats);
    this.changed();
    await Promise.all([this.loadTasks(), this.loadBlending(), this.loadStats()]);
  }

  async loadStats(): Promise<void> {
    try {
      this.takeStats(await api<RealtimeStats>('GET', '/api/stats/realtime'));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Keeps the statistics and copies the per-queue figures that `GET /api/queues` does not carry (handled, abandoned today). */
  private takeStats(stats: RealtimeStats): void {
    if (this.stats && stats.at < this.stats.at) return;
    this.stats = stats;
    for (const figures of stats.queues ?? []) {
      const known = this.queues.get(figures.id);
      if (known) this.queues.set(figures.id, { ...known, abandoned: figures.abandonedToday, handled: figures.handledToday });
    }
    this.changed();
  }

  async loadTasks(): Promise<void> {
    const lists = await Promise.all(
      (['queued', 'offered', 'assigned', 'wrapping'] as const).map((status) => api<TaskView[]>('GET', `/api/tasks?status=${status}&limit=200`)),
    );
    this.tasks = lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.changed();
  }

  async loadBlending(): Promise<void> {
    try {
      this.blending = await api<BlendingPolicy>('GET', '/api/blending');
    } catch (error) {
      if (!isMissing(error)) throw error;
      this.blending = 'missing';
    }
    this.changed();
  }

  async updateBlending(change: Partial<BlendingPolicy>): Promise<void> {
    this.blending = await api<BlendingPolicy>('PUT', '/api/blending', change);
    this.changed();
  }

  /** The approval queue as the server has it now (on connect and reconnect: pushes missed meanwhile are caught up). */
  async loadReplies(): Promise<void> {
    try {
      const pending = await api<ReplyView[]>('GET', '/api/replies?status=pending_approval');
      this.pendingReplies.clear();
      pending.forEach((reply) => this.pendingReplies.set(reply.id, reply));
      this.repliesState = 'ready';
    } catch (error) {
      if (!isMissing(error)) throw error;
      this.repliesState = 'missing';
    }
    this.changed();
  }

  /** Oldest first: the customer who has waited longest is answered first. */
  pending(): ReplyView[] {
    return [...this.pendingReplies.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async approveReply(id: string, comment?: string): Promise<ReplyView> {
    const reply = await api<ReplyView>('POST', `/api/replies/${encodeURIComponent(id)}/approve`, comment ? { comment } : {});
    this.takeReply(reply);
    return reply;
  }

  async rejectReply(id: string, comment: string): Promise<ReplyView> {
    const reply = await api<ReplyView>('POST', `/api/replies/${encodeURIComponent(id)}/reject`, { comment });
    this.takeReply(reply);
    return reply;
  }

  private takeReply(reply: ReplyView): void {
    if (reply.kind !== 'reply') return;
    if (reply.status === 'pending_approval') {
      this.pendingReplies.set(reply.id, reply);
      this.reviewedReplies.delete(reply.id);
    } else if (this.pendingReplies.delete(reply.id) || this.reviewedReplies.has(reply.id)) {
      // Approved (then queued, sending, sent) or rejected: out of the queue; what became of it is kept for the page.
      this.reviewedReplies.set(reply.id, reply);
    }
    this.changed();
  }

  async forcePresence(agentId: string, state: PresenceState, reason?: string): Promise<void> {
    const agent = await api<AgentRecord>('PUT', `/api/agents/${agentId}/presence`, reason ? { state, reason } : { state });
    this.agents.set(agent.id, agent);
    this.changed();
  }

  /** One channel of an agent's capacity (`PATCH /api/agents/:id`); routing uses it at once. */
  async setCapacity(agentId: string, channel: Channel, value: number): Promise<void> {
    const agent = await api<AgentRecord>('PATCH', `/api/agents/${agentId}`, { capacity: { [channel]: value } });
    this.agents.set(agent.id, agent);
    this.changed();
  }

  async transfer(taskId: string, queue: string): Promise<TaskView> {
    const next = await api<TaskView>('POST', `/api/tasks/${taskId}/transfer`, { queue });
    await this.loadTasks();
    return next;
  }

  private schedule(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = window.setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh().catch((error: unknown) => console.warn('wallboard refresh failed', error));
    }, REFRESH_DELAY_MS);
  }

  private async refresh(): Promise<void> {
    const ids = [...this.staleQueues];
    this.staleQueues.clear();
    const all = this.allQueuesStale;
    this.allQueuesStale = false;
    const queues = all ? await api<QueueRecord[]>('GET', '/api/queues') : await Promise.all(ids.map((id) => api<QueueRecord>('GET', `/api/queues/${id}`)));
    const now = Date.now();
    // A re-read queue keeps the statistics' figures until the next push.
    queues.forEach((queue) => {
      const known = this.queues.get(queue.id);
      this.queues.set(queue.id, { ...queue, readAt: now, abandoned: known?.abandoned, handled: known?.handled });
    });
    if (this.statsStale) {
      this.statsStale = false;
      await this.loadStats();
    }
    if (this.tasksStale) {
      this.tasksStale = false;
      await this.loadTasks();
    }
    this.changed();
  }
}

export const supervisorSession = new SupervisorSession();
