import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { STATE_STORE, StateStore } from '../../../state/state-store';
import { PartialMergeContext } from '../../../templates/merge-context';
import { RenderedMail, TemplatesService } from '../../../templates/templates.service';
import { AutoReplyInput, matchAutoReply, orderRules } from './auto-reply-matcher';
import { AutoReplyRuleEntity } from './auto-reply-rule.entity';
import { AutoReplyException, AutoReplyExceptionCode } from './auto-reply.exception';
import { AutoReplyRuleView, CreateAutoReplyRuleDto, UpdateAutoReplyRuleDto } from './auto-replies.dto';

/** Other nodes drop their cached rules when this topic says a rule changed. */
const TOPIC = 'auto-replies:changed';
/** A safety net only: changes are announced on TOPIC, so the cache is normally dropped at once. */
const CACHE_TTL_MS = 60_000;

/** The rule that answers a mail, as the email ingestion needs it. */
export interface AutoReplyMatch {
  ruleId: string;
  ruleName: string;
  templateId: string;
  /** True: the answer settles the request (complete the task instead of queueing it). */
  closesRequest: boolean;
}

export interface AutoReplyAnswer {
  match: AutoReplyMatch;
  mail: RenderedMail;
}

/**
 * Auto-reply rules: CRUD for supervisors, and the per-mail decision for the
 * email ingestion (`match`, or `answer` which also renders the template). The
 * enabled rules are cached per node (a mail must not cost a query); every
 * change drops the cache on every node through the state store's bus.
 *
 * Loop defence (no answer to auto-replies or bounces, a daily cap per
 * address, `Auto-Submitted: auto-replied`) belongs to the sending side.
 */
@Injectable()
export class AutoRepliesService implements OnModuleInit {
  private readonly logger = new Logger(AutoRepliesService.name);
  private cache: { rules: AutoReplyRuleEntity[]; loadedAt: number } | null = null;
  private loading: Promise<AutoReplyRuleEntity[]> | null = null;
  /** Bumped on every invalidation, so a load started before a change is not cached after it. */
  private generation = 0;

  constructor(
    @InjectRepository(AutoReplyRuleEntity) private readonly rules: Repository<AutoReplyRuleEntity>,
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly templates: TemplatesService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.subscribe(TOPIC, () => this.invalidateLocal());
  }

  async list(): Promise<AutoReplyRuleView[]> {
    return orderRules(await this.rules.find()).map(toView);
  }

  async get(id: string): Promise<AutoReplyRuleView> {
    return toView(await this.entity(id));
  }

  async create(dto: CreateAutoReplyRuleDto): Promise<AutoReplyRuleView> {
    const language = dto.language ?? null;
    await this.assertTemplate(dto.templateId, language);
    const saved = await this.save(
      this.rules.create({
        name: dto.name,
        enabled: dto.enabled ?? true,
        intents: dto.intents,
        keywords: dto.keywords ?? [],
        language,
        templateId: dto.templateId,
        closesRequest: dto.closesRequest ?? false,
        mailboxId: dto.mailboxId ?? null,
        priority: dto.priority ?? 0,
      }),
    );
    this.logger.log(`Auto-reply rule "${saved.name}" (${saved.id}) created`);
    return toView(saved);
  }

  async update(id: string, dto: UpdateAutoReplyRuleDto): Promise<AutoReplyRuleView> {
    const rule = await this.entity(id);
    const templateId = dto.templateId ?? rule.templateId;
    const language = dto.language === undefined ? rule.language : dto.language;
    if (dto.templateId !== undefined || dto.language !== undefined) await this.assertTemplate(templateId, language);
    if (dto.name !== undefined) rule.name = dto.name;
    if (dto.enabled !== undefined) rule.enabled = dto.enabled;
    if (dto.intents !== undefined) rule.intents = dto.intents;
    if (dto.keywords !== undefined) rule.keywords = dto.keywords;
    if (dto.closesRequest !== undefined) rule.closesRequest = dto.closesRequest;
    if (dto.mailboxId !== undefined) rule.mailboxId = dto.mailboxId;
    if (dto.priority !== undefined) rule.priority = dto.priority;
    rule.templateId = templateId;
    rule.language = language;
    const saved = await this.save(rule);
    this.logger.log(`Auto-reply rule "${saved.name}" (${saved.id}) updated`);
    return toView(saved);
  }

  async remove(id: string): Promise<void> {
    const rule = await this.entity(id);
    await this.rules.delete({ id });
    await this.changed();
    this.logger.log(`Auto-reply rule "${rule.name}" (${id}) deleted`);
  }

  /** The rule that answers this mail (see auto-reply-matcher.ts), or null. */
  async match(input: AutoReplyInput): Promise<AutoReplyMatch | null> {
    const rule = matchAutoReply(await this.enabledRules(), input);
    return rule ? { ruleId: rule.id, ruleName: rule.name, templateId: rule.templateId, closesRequest: rule.closesRequest } : null;
  }

  /** `match`, then the matching rule's template rendered with `context`; null when no rule answers. */
  async answer(input: AutoReplyInput, context: PartialMergeContext): Promise<AutoReplyAnswer | null> {
    const match = await this.match(input);
    if (!match) return null;
    return { match, mail: await this.templates.render(match.templateId, context) };
  }

  private async enabledRules(): Promise<AutoReplyRuleEntity[]> {
    if (this.cache && Date.now() - this.cache.loadedAt < CACHE_TTL_MS) return this.cache.rules;
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = this.rules
      .find({ where: { enabled: true } })
      .then((rules) => {
        if (generation === this.generation) this.cache = { rules, loadedAt: Date.now() };
        return rules;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = null;
      });
    this.loading = loading;
    return loading;
  }

  private invalidateLocal(): void {
    this.generation += 1;
    this.cache = null;
    this.loading = null;
  }

  /** Drops the cache here and, through the bus, on every other node. */
  private async changed(): Promise<void> {
    this.invalidateLocal();
    try {
      await this.store.publish(TOPIC, '1');
    } catch (error) {
      // The other nodes still reload within CACHE_TTL_MS.
      this.logger.warn(`Announcing an auto-reply rule change failed: ${String(error)}`);
    }
  }

  private async save(rule: AutoReplyRuleEntity): Promise<AutoReplyRuleEntity> {
    let saved: AutoReplyRuleEntity;
    try {
      saved = await this.rules.save(rule);
    } catch (error) {
      // The template was deleted between the check and the write (foreign key).
      if (isForeignKeyViolation(error)) throw AutoReplyException.templateNotFound(rule.templateId);
      throw error;
    }
    await this.changed();
    return saved;
  }

  /** The template must exist and, when the rule is for one language, be written in it. */
  private async assertTemplate(templateId: string, language: string | null): Promise<void> {
    const template = await this.templates.summary(templateId);
    if (!template) throw AutoReplyException.templateNotFound(templateId);
    if (language !== null && template.language !== language) {
      throw new AutoReplyException(
        AutoReplyExceptionCode.TEMPLATE_LANGUAGE_MISMATCH,
        `Template "${template.name}" is in ${template.language}, but the rule answers ${language} mail`,
      );
    }
  }

  private async entity(id: string): Promise<AutoReplyRuleEntity> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule) throw AutoReplyException.notFound(id);
    return rule;
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  return (driverError?.code ?? (error as { code?: unknown }).code) === '23503';
}

function toView(rule: AutoReplyRuleEntity): AutoReplyRuleView {
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    intents: rule.intents,
    keywords: rule.keywords,
    language: rule.language,
    templateId: rule.templateId,
    closesRequest: rule.closesRequest,
    mailboxId: rule.mailboxId,
    priority: rule.priority,
    createdAt: rule.createdAt.toISOString(),
  };
}
