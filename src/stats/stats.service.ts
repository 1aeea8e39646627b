import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BlendingService } from '../blending/blending.service';
import { SocketEmitter } from '../gateway/socket-emitter';
import { PresenceState } from '../presence/presence-state';
import { DirectoryService } from '../routing/directory.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { CHANNELS, Channel } from '../tasks/channel';
import { ChannelAgentStats, QueueRealtimeStats, RealtimeStats } from './realtime-stats';
import { TaskEventTap } from './task-event-tap';

/** At most one `stats` push per this many ms: a burst of changes is one update. */
export const STATS_THROTTLE_MS = 1000;
const LAST_MINUTES = 15;
const STATES: PresenceState[] = ['available', 'away', 'wrapup', 'offline'];

interface QueueRow {
  queue_id: string;
  oldest: Date | null;
  answered_today: string;
  within_today: string;
  answered_recent: string;
  within_recent: string;
  handled_today: string;
  abandoned_today: string;
}

/**
 * Real-time statistics for supervisors: queues (waiting and longest wait from
 * the live store and the tasks table; service level today and over the last
 * 15 minutes; handled, abandoned), agents by state and channel, occupancy, and
 * the blending state. Pushed to /supervisor as `stats` when something changes
 * (a task event, a routing decision, an agent or policy change), throttled to
 * one push a second, never on a timer loop.
 */
@Injectable()
export class StatsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StatsService.name);
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly directory: DirectoryService,
    private readonly blending: BlendingService,
    private readonly emitter: SocketEmitter,
    private readonly tap: TaskEventTap,
  ) {}

  onModuleInit(): void {
    this.tap.on(() => this.changed());
    this.blending.onDecision(() => this.changed());
    this.directory.onAgentChanged(() => this.changed());
    this.directory.onQueueChanged(() => this.changed());
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending);
  }

  /** Something changed: push within a second (one push for a whole burst). */
  changed(): void {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.push();
    }, STATS_THROTTLE_MS);
  }

  async push(): Promise<void> {
    try {
      // A push that finishes after shutdown began is dropped by the emitter itself (SocketEmitter.closing).
      this.emitter.toSupervisors('stats', await this.realtime());
    } catch (error) {
      this.logger.warn(`stats not pushed: ${String(error)}`);
    }
  }

  async realtime(now = Date.now()): Promise<RealtimeStats> {
    const [queues, agents, lull, readyForCall] = await Promise.all([
      this.queueStats(now),
      this.store.listAgents(),
      this.blending.floorLull(now),
      this.blending.readyForCallCount(Number.MAX_SAFE_INTEGER),
    ]);
    const byState = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<PresenceState, number>;
    const byChannel = Object.fromEntries(
      CHANNELS.map((channel) => [channel, { loggedIn: 0, free: 0, busy: 0, load: 0, capacity: 0 }]),
    ) as Record<Channel, ChannelAgentStats>;
    let loggedIn = 0;
    let working = 0;
    for (const agent of agents) {
      byState[agent.state] = (byState[agent.state] ?? 0) + 1;
      if (agent.state === 'offline') continue;
      loggedIn += 1;
      if (CHANNELS.some((channel) => agent.load[channel] > 0)) working += 1;
      for (const channel of CHANNELS) {
        if (agent.capacity[channel] <= 0) continue;
        const row = byChannel[channel];
        row.loggedIn += 1;
        row.load += agent.load[channel];
        row.capacity += agent.capacity[channel];
        if (agent.load[channel] > 0) row.busy += 1;
        if (agent.state === 'available' && agent.load[channel] < agent.capacity[channel]) row.free += 1;
      }
    }
    return {
      at: new Date(now).toISOString(),
      queues,
      agents: { byState, byChannel },
      occupancy: loggedIn === 0 ? null : working / loggedIn,
      blending: {
        lull: lull.lull,
        reason: lull.reason,
        voiceWaiting: lull.waiting,
        oldestVoiceWaitSeconds: Math.round(lull.oldestWaitSeconds),
        readyForCall,
        policy: this.blending.policy(),
      },
    };
  }

  private async queueStats(now: number): Promise<QueueRealtimeStats[]> {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    const recent = new Date(now - LAST_MINUTES * 60_000);
    const rows: QueueRow[] = await this.dataSource.query(
      `SELECT t.queue_id,
              MIN(t.enqueued_at) FILTER (WHERE t.status = 'queued') AS oldest,
              COUNT(*) FILTER (WHERE t.assigned_at >= $1) AS answered_today,
              COUNT(*) FILTER (WHERE t.assigned_at >= $1 AND t.assigned_at - t.created_at <= make_interval(secs => q.sla_seconds)) AS within_today,
              COUNT(*) FILTER (WHERE t.assigned_at >= $2) AS answered_recent,
              COUNT(*) FILTER (WHERE t.assigned_at >= $2 AND t.assigned_at - t.created_at <= make_interval(secs => q.sla_seconds)) AS within_recent,
              COUNT(*) FILTER (WHERE t.status IN ('wrapping', 'completed') AND t.completed_at >= $1) AS handled_today,
              COUNT(*) FILTER (WHERE t.status = 'abandoned' AND COALESCE(t.completed_at, t.updated_at) >= $1) AS abandoned_today
         FROM tasks t JOIN queues q ON q.id = t.queue_id
        WHERE t.status = 'queued' OR t.assigned_at >= $1 OR t.completed_at >= $1 OR (t.status = 'abandoned' AND t.updated_at >= $1)
        GROUP BY t.queue_id`,
      [day, recent],
    );
    const byQueue = new Map(rows.map((row) => [row.queue_id, row]));
    const queues = this.directory.allQueues();
    const sizes = await Promise.all(queues.map((queue) => this.store.laneSizes(this.directory.lanesOfQueue(queue.id).map((lane) => lane.key))));
    return queues.map((queue, i) => {
      const row = byQueue.get(queue.id);
      const answeredToday = Number(row?.answered_today ?? 0);
      const answeredRecent = Number(row?.answered_recent ?? 0);
      return {
        id: queue.id,
        name: queue.name,
        channel: queue.channel,
        waiting: sizes[i].reduce((sum, size) => sum + size, 0),
        longestWaitSeconds: row?.oldest ? Math.max(0, Math.round((now - new Date(row.oldest).getTime()) / 1000)) : 0,
        serviceLevelToday: answeredToday === 0 ? null : Number(row?.within_today ?? 0) / answeredToday,
        serviceLevelLast15m: answeredRecent === 0 ? null : Number(row?.within_recent ?? 0) / answeredRecent,
        answeredToday,
        handledToday: Number(row?.handled_today ?? 0),
        abandonedToday: Number(row?.abandoned_today ?? 0),
      };
    });
  }
}
