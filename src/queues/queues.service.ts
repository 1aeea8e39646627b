import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { toQueueProfile } from '../routing/directory.service';
import { QueueEntity } from './queue.entity';
import { QueueException, QueueExceptionCode } from './queue.exception';
import { QueueView } from './queue-view.dto';
import { QueueLiveService } from './queue-live.service';
import { CreateQueueDto } from './create-queue.dto';
import { UpdateQueueDto } from './update-queue.dto';
import {
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  DEFAULT_PREFERRED_AGENT_TIMEOUT_SECONDS,
  DEFAULT_PRIORITY,
  DEFAULT_SLA_SECONDS,
  DEFAULT_WRAP_UP_SECONDS,
} from './queue-defaults';
import { normalizeSkillList } from '../common/skill-name';
import { isUniqueViolation, isUuid } from '../common/validation';
import { DirectoryService } from '../routing/directory.service';

/** Queues' durable records and their API views (with live figures). */
@Injectable()
export class QueuesService {
  private readonly logger = new Logger(QueuesService.name);

  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    private readonly directory: DirectoryService,
    private readonly live: QueueLiveService,
  ) {}

  async create(dto: CreateQueueDto): Promise<QueueEntity> {
    if (await this.queues.existsBy({ name: dto.name })) throw QueueException.nameTaken(dto.name);
    const entity = this.queues.create({
      name: dto.name,
      channel: dto.channel,
      skills: normalizeSkillList(dto.skills ?? []),
      priority: dto.priority ?? DEFAULT_PRIORITY,
      slaSeconds: dto.slaSeconds ?? DEFAULT_SLA_SECONDS[dto.channel],
      wrapUpSeconds: dto.wrapUpSeconds ?? DEFAULT_WRAP_UP_SECONDS,
      offerTimeoutSeconds: dto.offerTimeoutSeconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS[dto.channel],
      preferredAgentTimeoutSeconds: dto.preferredAgentTimeoutSeconds ?? DEFAULT_PREFERRED_AGENT_TIMEOUT_SECONDS,
    });
    const saved = await this.save(entity);
    this.logger.log(`Queue ${saved.id} "${saved.name}" (${saved.channel}) created`);
    return saved;
  }

  async update(id: string, dto: UpdateQueueDto): Promise<QueueEntity> {
    const queue = await this.getById(id);
    if (dto.channel !== undefined && dto.channel !== queue.channel) {
      // Tasks already queued here were created, laned and scored for this
      // channel (capacity, exclusivity, SLA); moving the queue would strand or
      // misroute them. A different channel is a different queue.
      throw new QueueException(
        QueueExceptionCode.ChannelImmutable,
        `A queue's channel cannot be changed (it is ${queue.channel}; tasks already queued in it are ${queue.channel} tasks); create another queue instead`,
      );
    }
    if (dto.name !== undefined && dto.name !== queue.name) {
      if (await this.queues.existsBy({ name: dto.name })) throw QueueException.nameTaken(dto.name);
      queue.name = dto.name;
    }
    if (dto.skills !== undefined) queue.skills = normalizeSkillList(dto.skills);
    if (dto.priority !== undefined) queue.priority = dto.priority;
    if (dto.slaSeconds !== undefined) queue.slaSeconds = dto.slaSeconds;
    if (dto.wrapUpSeconds !== undefined) queue.wrapUpSeconds = dto.wrapUpSeconds;
    if (dto.offerTimeoutSeconds !== undefined) queue.offerTimeoutSeconds = dto.offerTimeoutSeconds;
    if (dto.preferredAgentTimeoutSeconds !== undefined) queue.preferredAgentTimeoutSeconds = dto.preferredAgentTimeoutSeconds;
    const saved = await this.save(queue);
    this.logger.log(`Queue ${saved.id} "${saved.name}" updated (${Object.keys(dto).join(', ') || 'no fields'})`);
    return saved;
  }

  list(): Promise<QueueEntity[]> {
    return this.queues.find({ order: { name: 'ASC' } });
  }

  async getById(id: string): Promise<QueueEntity> {
    const queue = await this.queues.findOneBy({ id });
    if (!queue) throw QueueException.notFound(id);
    return queue;
  }

  /** Tasks name their queue by id or by name (names may never look like UUIDs, so this is unambiguous). */
  findByIdOrName(idOrName: string): Promise<QueueEntity | null> {
    return isUuid(idOrName) ? this.queues.findOneBy({ id: idOrName }) : this.queues.findOneBy({ name: idOrName.trim() });
  }

  async getByIdOrName(idOrName: string): Promise<QueueEntity> {
    const queue = await this.findByIdOrName(idOrName);
    if (!queue) throw QueueException.notFound(idOrName);
    return queue;
  }

  async view(queue: QueueEntity): Promise<QueueView> {
    const live = await this.live.live(queue);
    return {
      ...toQueueProfile(queue),
      waiting: live.waiting,
      longestWaitSeconds: live.longestWaitSeconds,
      serviceLevel: live.serviceLevel,
      agentsAvailable: live.agentsAvailable,
    };
  }

  views(queues: QueueEntity[]): Promise<QueueView[]> {
    return Promise.all(queues.map((queue) => this.view(queue)));
  }

  /** Saves and tells the routing directory; a unique-name race lost to a concurrent request is a 409, not a 500. */
  private async save(queue: QueueEntity): Promise<QueueEntity> {
    let saved: QueueEntity;
    try {
      saved = await this.queues.save(queue);
    } catch (error) {
      if (isUniqueViolation(error)) throw QueueException.nameTaken(queue.name);
      throw error;
    }
    await this.directory.queueChanged(saved);
    return saved;
  }
}
