import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { isUniqueViolation } from '../../../common/validation';
import { STATE_STORE, StateStore } from '../../../state/state-store';
import type { EmailAnalysis, EmailAnalysisInput } from './email-analysis';
import { analyzeEmail } from './email-analyzer';
import { compilePhrase } from './email-text';
import { DEFAULT_PRIORITY_RULES, PriorityRule } from './priority-rule';
import { CreatePriorityRuleDto, PriorityRuleView, UpdatePriorityRuleDto } from './priority-rule.dto';
import { PriorityRuleEntity } from './priority-rule.entity';
import { PriorityRuleException } from './priority-rule.exception';

/** State-store topic on which a node says "the rules changed": the others reload. */
const TOPIC = 'priority-rules';

/**
 * The priority rules of the email analysis: CRUD for supervisors, and
 * `analyze` for ingestion. The enabled rules are kept in memory (reloaded
 * after every change, here and on the other nodes through the state store's
 * bus), so analysing a mail runs no SQL.
 */
@Injectable()
export class PriorityRulesService implements OnModuleInit {
  private readonly logger = new Logger(PriorityRulesService.name);
  private readonly nodeId = randomUUID();
  private active: readonly PriorityRule[] = [];
  /** Sequence of reloads: a slow reload never overwrites the result of a later one. */
  private reloads = 0;

  constructor(
    @InjectRepository(PriorityRuleEntity) private readonly rules: Repository<PriorityRuleEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(STATE_STORE) private readonly store: StateStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.subscribe(TOPIC, (raw) => void this.onMessage(raw));
    const seeded = await this.seedDefaults();
    if (seeded > 0) this.logger.log(`seeded ${seeded} default priority rules`);
    await this.reload();
  }

  /** The analysis of one inbound mail with the enabled rules (in memory: no I/O). */
  analyze(input: EmailAnalysisInput): EmailAnalysis {
    return analyzeEmail(input, this.active);
  }

  /** The enabled rules the analysis applies now. */
  activeRules(): readonly PriorityRule[] {
    return this.active;
  }

  async list(): Promise<PriorityRuleView[]> {
    return (await this.rules.find({ order: { kind: 'ASC', weight: 'DESC', pattern: 'ASC' } })).map(toView);
  }

  async create(dto: CreatePriorityRuleDto): Promise<PriorityRuleView> {
    assertMatchable(dto.pattern);
    const entity = this.rules.create({
      pattern: dto.pattern,
      weight: dto.weight,
      kind: dto.kind,
      language: dto.language ?? null,
      enabled: dto.enabled ?? true,
    });
    const saved = await this.save(entity);
    await this.changed();
    return toView(saved);
  }

  async update(id: string, dto: UpdatePriorityRuleDto): Promise<PriorityRuleView> {
    const entity = await this.rules.findOneBy({ id });
    if (!entity) throw PriorityRuleException.notFound(id);
    if (dto.pattern !== undefined) entity.pattern = assertMatchable(dto.pattern);
    if (dto.weight !== undefined) entity.weight = dto.weight;
    if (dto.kind !== undefined) entity.kind = dto.kind;
    if (dto.language !== undefined) entity.language = dto.language;
    if (dto.enabled !== undefined) entity.enabled = dto.enabled;
    const saved = await this.save(entity);
    await this.changed();
    return toView(saved);
  }

  async remove(id: string): Promise<void> {
    const result = await this.rules.delete({ id });
    if (!result.affected) throw PriorityRuleException.notFound(id);
    await this.changed();
  }

  /**
   * Inserts DEFAULT_PRIORITY_RULES when the table is empty, in one statement:
   * nodes booting together may all see it empty, but the unique index on
   * (lower(pattern), kind) makes every insert after the first a no-op (ON
   * CONFLICT DO NOTHING waits for the first one to commit). A table that a
   * supervisor has edited is left alone: deleted defaults stay deleted.
   * Returns how many rows this call inserted.
   */
  async seedDefaults(): Promise<number> {
    const params: unknown[] = [];
    const rows = DEFAULT_PRIORITY_RULES.map((rule) => {
      params.push(rule.pattern, rule.weight, rule.kind, rule.language ?? null);
      const n = params.length;
      return `($${n - 3}::text, $${n - 2}::integer, $${n - 1}::text, $${n}::text)`;
    });
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO priority_rules (pattern, weight, kind, language)
       SELECT v.pattern, v.weight, v.kind, v.language FROM (VALUES ${rows.join(', ')}) AS v (pattern, weight, kind, language)
       WHERE NOT EXISTS (SELECT 1 FROM priority_rules)
       ON CONFLICT (lower(pattern), kind) DO NOTHING
       RETURNING id`,
      params,
    );
    return inserted.length;
  }

  /** Loads the enabled rules into memory (boot, after a change here or on another node). */
  async reload(): Promise<void> {
    const sequence = ++this.reloads;
    const rows = await this.rules.find({ where: { enabled: true }, order: { weight: 'DESC', pattern: 'ASC' } });
    if (sequence !== this.reloads) return;
    this.active = rows.map((row) => ({ id: row.id, pattern: row.pattern, weight: row.weight, kind: row.kind, language: row.language }));
  }

  private async save(entity: PriorityRuleEntity): Promise<PriorityRuleEntity> {
    try {
      return await this.rules.save(entity);
    } catch (error) {
      if (isUniqueViolation(error)) throw PriorityRuleException.duplicate(entity.pattern, entity.kind);
      throw error;
    }
  }

  private async changed(): Promise<void> {
    await this.reload();
    await this.store.publish(TOPIC, JSON.stringify({ origin: this.nodeId }));
  }

  private async onMessage(raw: string): Promise<void> {
    try {
      const message = JSON.parse(raw) as { origin?: string };
      if (message.origin === this.nodeId) return;
      await this.reload();
    } catch (error) {
      this.logger.error(`priority rules message ${raw} failed: ${String(error)}`);
    }
  }
}

/** A pattern must contain a word: "!!!" would never match, and saying so beats a silent dead rule. */
function assertMatchable(pattern: string): string {
  if (!compilePhrase(pattern)) throw PriorityRuleException.invalidPattern(pattern);
  return pattern;
}

function toView(entity: PriorityRuleEntity): PriorityRuleView {
  return {
    id: entity.id,
    pattern: entity.pattern,
    weight: entity.weight,
    kind: entity.kind,
    language: entity.language,
    enabled: entity.enabled,
    createdAt: entity.createdAt.toISOString(),
  };
}
