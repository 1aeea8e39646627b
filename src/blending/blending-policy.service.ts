import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, Repository } from 'typeorm';
import { flattenValidationErrors } from '../common/validation';
import { SocketEmitter } from '../gateway/socket-emitter';
import { BlendingPush } from '../gateway/socket-events';
import { DirectoryService } from '../routing/directory.service';
import { hasSkills } from '../routing/lanes';
import { RoutingService } from '../routing/routing.service';
import { TimerService } from '../routing/timer.service';
import { STATE_STORE, StateStore } from '../state/state-store';
import { TappedTaskEvent, TaskEventTap } from '../stats/task-event-tap';
import { BlendingPolicy, DEFAULT_BLENDING_POLICY, TeamOverride, clonePolicy } from './blending-policy';
import { BlendingPolicyChangeEntity, BlendingPolicyEntity } from './blending-policy.entity';
import { describeChange } from './blending-rules';
import { BlendingException, BlendingExceptionCode } from './blending.exception';
import { BlendingService, SLA_GUARD_TIMER } from './blending.service';
import { TeamOverrideDto, UpdateBlendingDto } from './dto/update-blending.dto';

const TOPIC = 'blending';
const POLICY_ROW = 1;
const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
/** Heads a guard timer routes in one go before re-arming (a burst of emails crossing together). */
const GUARD_BURST = 50;
/** Voice task events after which a call no longer waits in its lane (offered to someone, or gone). */
const LEFT_VOICE_LANE = new Set<string>(['offered', 'abandoned', 'canceled', 'transferred']);
/** Free agents read per page when a lull may have begun. */
const FREE_PAGE = 500;

export interface PolicyActor {
  id: string;
  name: string;
}

export interface BlendingHistoryEntry {
  id: string;
  at: string;
  changedBy: string | null;
  changedByName: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
  policy: BlendingPolicy;
}

/**
 * The supervisor side of the blending policy: validated edits, durable (one
 * row plus a history of changes, who and when), shared by every node (the
 * state store's bus: the others reload the row) and pushed to /supervisor as
 * `blending` at once. Decisions read the new policy from the very next one:
 * tightening holds back new email offers at once (offers already made and work
 * in progress stay); any change re-runs matching for every free agent, so a
 * loosening sends the held-back emails out within the second. A lull that
 * begins because a call left its lane does the same for the free agents of
 * that queue (`lullMayHaveBegun`).
 */
@Injectable()
export class BlendingPolicyService implements OnModuleInit {
  private readonly logger = new Logger(BlendingPolicyService.name);
  private readonly nodeId = randomUUID();

  constructor(
    @InjectRepository(BlendingPolicyEntity) private readonly rows: Repository<BlendingPolicyEntity>,
    @InjectRepository(BlendingPolicyChangeEntity) private readonly changes: Repository<BlendingPolicyChangeEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly blending: BlendingService,
    private readonly routing: RoutingService,
    private readonly directory: DirectoryService,
    private readonly timers: TimerService,
    private readonly emitter: SocketEmitter,
    private readonly tap: TaskEventTap,
  ) {}

  /** Queues whose lull check is already scheduled (coalesces a burst of call events). */
  private readonly lullChecks = new Set<string>();

  async onModuleInit(): Promise<void> {
    this.timers.register(SLA_GUARD_TIMER, (laneKey) => this.guardDue(laneKey));
    this.tap.on((event) => this.onTaskEvent(event));
    await this.store.subscribe(TOPIC, (raw) => void this.onMessage(raw));
    await this.reload();
  }

  get(): BlendingPolicy {
    return this.blending.policy();
  }

  async history(limit: number): Promise<BlendingHistoryEntry[]> {
    const rows = await this.changes.find({ order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      changedBy: row.changedBy,
      changedByName: row.changedByName,
      changes: row.changes,
      policy: row.policy,
    }));
  }

  /** Validates the whole result before anything is written: a bad field changes nothing. */
  async update(dto: UpdateBlendingDto, actor: PolicyActor): Promise<BlendingPolicy> {
    const teams = dto.teams === undefined ? undefined : this.validateTeams(dto.teams);
    const at = new Date();
    const result = await this.dataSource.transaction(async (manager) => {
      // Row lock: two supervisors editing at once are applied one after the other, both recorded.
      const row = await manager.getRepository(BlendingPolicyEntity).findOne({ where: { id: POLICY_ROW }, lock: { mode: 'pessimistic_write' } });
      const before = withDefaults(row?.policy);
      const after = clonePolicy(before);
      if (dto.lullMaxVoiceWaiting !== undefined) after.lullMaxVoiceWaiting = dto.lullMaxVoiceWaiting;
      if (dto.lullMaxVoiceWaitSeconds !== undefined) after.lullMaxVoiceWaitSeconds = dto.lullMaxVoiceWaitSeconds;
      if (dto.voiceReserveAgents !== undefined) after.voiceReserveAgents = dto.voiceReserveAgents;
      if (dto.interruptibleEmail !== undefined) after.interruptibleEmail = dto.interruptibleEmail;
      if (dto.chatDuringCalls !== undefined) after.chatDuringCalls = dto.chatDuringCalls;
      if (dto.emailSlaGuardPercent !== undefined) after.emailSlaGuardPercent = dto.emailSlaGuardPercent;
      if (dto.channelCapacity !== undefined) after.channelCapacity = compact({ ...dto.channelCapacity });
      if (teams !== undefined) after.teams = teams;
      const changed = describeChange(before, after);
      if (changed.length === 0) return { policy: after, changed };
      await manager.getRepository(BlendingPolicyEntity).save({ id: POLICY_ROW, policy: after, updatedAt: at, updatedBy: actor.id });
      await manager.getRepository(BlendingPolicyChangeEntity).insert({
        at,
        changedBy: actor.id,
        changedByName: actor.name,
        changes: Object.fromEntries(changed.map((key) => [key, { before: before[key], after: after[key] }])),
        policy: after,
      });
      return { policy: after, changed };
    });
    if (result.changed.length === 0) return result.policy;
    this.blending.apply(result.policy);
    this.logger.log(`blending policy changed by ${actor.name} (${actor.id}): ${result.changed.join(', ')}`);
    await this.store.publish(TOPIC, JSON.stringify({ origin: this.nodeId }));
    const push: BlendingPush = { ...result.policy, updatedAt: at.toISOString(), updatedBy: actor.id, changed: result.changed };
    this.emitter.toSupervisors('blending', push);
    // Free agents look for work under the new rules (a loosening lets the held-back email out now).
    void this.routing.rematchAll().catch((error: unknown) => this.logger.error(`rematch after a policy change failed: ${String(error)}`));
    return result.policy;
  }

  /** Loads the durable policy (boot, and when another node changed it). */
  async reload(): Promise<BlendingPolicy> {
    const row = await this.rows.findOneBy({ id: POLICY_ROW });
    const policy = withDefaults(row?.policy);
    this.blending.apply(policy);
    return policy;
  }

  /**
   * An email lane's head reached its SLA guard and no event routed it: offer
   * it now (and the heads behind it that crossed too), then arm the timer for
   * the next head.
   */
  async guardDue(laneKey: string): Promise<void> {
    this.blending.guardFired(laneKey);
    const lane = this.directory.lane(laneKey) ?? (await this.directory.refreshLane(laneKey));
    const queue = lane && this.directory.queue(lane.queueId);
    if (!lane || !queue) return;
    for (let i = 0; i < GUARD_BURST; i++) {
      const [head] = (await this.store.laneHeads([laneKey], 1))[0];
      if (!head) return;
      const next = this.blending.nextGuardAt(head.score, queue, Date.now());
      if (next !== null && i > 0) return void (await this.blending.armGuard(laneKey, next));
      const offer = await this.routing.routeTask(head.taskId);
      if (!offer) {
        if (next !== null) await this.blending.armGuard(laneKey, next);
        return;
      }
    }
  }

  /**
   * A call left its lane (offered to an agent, or the caller hung up): fewer
   * calls wait, so a lull may have begun for the agents who serve that queue.
   * No event of theirs would route their held-back email, so the free ones
   * with room for email look for work now. Coalesced per queue; skipped while
   * every voice lane of the queue still has more calls waiting than any lull
   * threshold allows, or when no email waits.
   */
  onTaskEvent(event: TappedTaskEvent): void {
    if (event.channel !== 'voice' || !event.queueId || !LEFT_VOICE_LANE.has(event.type)) return;
    const queueId = event.queueId;
    if (this.lullChecks.has(queueId)) return;
    this.lullChecks.add(queueId);
    setTimeout(() => {
      this.lullChecks.delete(queueId);
      this.lullMayHaveBegun(queueId).catch((error: unknown) => this.logger.error(`lull check for queue ${queueId} failed: ${String(error)}`));
    }, 20);
  }

  async lullMayHaveBegun(queueId: string): Promise<number> {
    const voiceLanes = this.directory.lanesOfQueue(queueId).filter((lane) => lane.channel === 'voice');
    if (voiceLanes.length === 0) return 0;
    const policy = this.blending.policy();
    const maxWaiting = Math.max(policy.lullMaxVoiceWaiting, ...Object.values(policy.teams).map((team) => team.lullMaxVoiceWaiting ?? 0));
    const voiceSizes = await this.store.laneSizes(voiceLanes.map((lane) => lane.key));
    if (voiceSizes.every((size) => size > maxWaiting)) return 0;
    const emailLanes = this.directory
      .allQueues()
      .filter((queue) => queue.channel === 'email')
      .flatMap((queue) => this.directory.lanesOfQueue(queue.id));
    if (emailLanes.length === 0) return 0;
    const emailSizes = await this.store.laneSizes(emailLanes.map((lane) => lane.key));
    const waitingEmail = emailLanes.filter((_, i) => emailSizes[i] > 0);
    if (waitingEmail.length === 0) return 0;
    const agents: string[] = [];
    for (let offset = 0; ; offset += FREE_PAGE) {
      const page = await this.store.listFreeAgents('email', offset, FREE_PAGE);
      for (const id of page) {
        const profile = this.directory.agent(id);
        if (!profile || profile.capacity.voice <= 0) continue;
        if (!voiceLanes.some((lane) => hasSkills(profile.skills, lane.skills))) continue;
        if (waitingEmail.some((lane) => hasSkills(profile.skills, lane.skills))) agents.push(id);
      }
      if (page.length < FREE_PAGE) break;
    }
    let offers = 0;
    for (const id of agents) offers += (await this.routing.routeAgent(id)).length;
    return offers;
  }

  private async onMessage(raw: string): Promise<void> {
    try {
      const message = JSON.parse(raw) as { origin?: string };
      if (message.origin === this.nodeId) return;
      await this.reload();
    } catch (error) {
      this.logger.error(`blending message ${raw} failed: ${String(error)}`);
    }
  }

  private validateTeams(input: Record<string, unknown>): Record<string, TeamOverride> {
    const details: string[] = [];
    const out: Record<string, TeamOverride> = {};
    for (const [name, value] of Object.entries(input)) {
      if (!TEAM_NAME.test(name)) details.push(`teams: "${name}" is not a valid team name (1-64 of A-Z a-z 0-9 space _ . -)`);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        details.push(`teams.${name} must be an object`);
        continue;
      }
      const dto = plainToInstance(TeamOverrideDto, value);
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      details.push(...flattenValidationErrors(errors, `teams.${name}`));
      if (errors.length === 0) {
        out[name] = compact({
          members: [...new Set(dto.members)],
          lullMaxVoiceWaiting: dto.lullMaxVoiceWaiting,
          lullMaxVoiceWaitSeconds: dto.lullMaxVoiceWaitSeconds,
          emailSlaGuardPercent: dto.emailSlaGuardPercent,
          channelCapacity: dto.channelCapacity ? compact({ ...dto.channelCapacity }) : undefined,
        }) as TeamOverride;
      }
    }
    if (details.length > 0) throw new BlendingException(BlendingExceptionCode.InvalidPolicy, details.join('; '), details);
    return out;
  }
}

/** A stored policy with any field added since it was written filled from the defaults. */
function withDefaults(stored: Partial<BlendingPolicy> | undefined): BlendingPolicy {
  return clonePolicy({ ...DEFAULT_BLENDING_POLICY, ...(stored ?? {}) });
}

/** Drops undefined fields (they would not survive JSON anyway, and make change detection noisy). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
