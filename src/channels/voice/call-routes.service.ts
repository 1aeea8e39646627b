import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { normalizePhone } from '../../customers/phone';
import { DirectoryService, QueueProfile } from '../../routing/directory.service';
import { CallRouteEntity } from './call-route.entity';
import { CallRouteView, CreateCallRouteDto, UpdateCallRouteDto } from './call-route.dto';
import { VoiceException, VoiceExceptionCode } from './voice.exception';

const UNIQUE_VIOLATION = '23505';

/** Call routing rules (dialled number → queue, priority, skills, VIP boost), edited by supervisors. */
@Injectable()
export class CallRoutesService {
  constructor(
    @InjectRepository(CallRouteEntity) private readonly routes: Repository<CallRouteEntity>,
    private readonly directory: DirectoryService,
  ) {}

  async list(): Promise<CallRouteView[]> {
    return (await this.routes.find({ order: { number: 'ASC' } })).map((route) => this.view(route));
  }

  async create(dto: CreateCallRouteDto): Promise<CallRouteView> {
    const number = normalizePhone(dto.number);
    if (!number) throw new VoiceException(VoiceExceptionCode.BAD_NUMBER, 'number must contain at least two digits');
    const queue = this.voiceQueue(dto.queue);
    try {
      const saved = await this.routes.save(
        this.routes.create({
          number,
          queueId: queue.id,
          priority: dto.priority ?? 0,
          skills: [...new Set(dto.skills ?? [])].sort(),
          vipPriorityBoost: dto.vipPriorityBoost ?? 20,
        }),
      );
      return this.view(saved);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new VoiceException(VoiceExceptionCode.ROUTE_TAKEN, `a route for ${number} exists`);
      }
      throw error;
    }
  }

  async update(id: string, dto: UpdateCallRouteDto): Promise<CallRouteView> {
    const route = await this.entity(id);
    if (dto.queue !== undefined) route.queueId = this.voiceQueue(dto.queue).id;
    if (dto.priority !== undefined) route.priority = dto.priority;
    if (dto.skills !== undefined) route.skills = [...new Set(dto.skills)].sort();
    if (dto.vipPriorityBoost !== undefined) route.vipPriorityBoost = dto.vipPriorityBoost;
    return this.view(await this.routes.save(route));
  }

  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.routes.delete({ id });
  }

  /** The rule for a dialled number, if any. */
  async forNumber(dialled: string | undefined): Promise<CallRouteEntity | null> {
    const number = normalizePhone(dialled);
    return number ? this.routes.findOneBy({ number }) : null;
  }

  private async entity(id: string): Promise<CallRouteEntity> {
    const route = await this.routes.findOneBy({ id });
    if (!route) throw new VoiceException(VoiceExceptionCode.ROUTE_NOT_FOUND, `call route ${id} not found`);
    return route;
  }

  private voiceQueue(idOrName: string): QueueProfile {
    const queue = this.directory.queueByIdOrName(idOrName);
    if (!queue) throw new VoiceException(VoiceExceptionCode.QUEUE_NOT_FOUND, `queue ${idOrName} not found`);
    if (queue.channel !== 'voice') throw new VoiceException(VoiceExceptionCode.NOT_A_VOICE_QUEUE, `queue ${queue.name} is not a voice queue`);
    return queue;
  }

  private view(route: CallRouteEntity): CallRouteView {
    return {
      id: route.id,
      number: route.number,
      queueId: route.queueId,
      queue: this.directory.queue(route.queueId)?.name ?? null,
      priority: route.priority,
      skills: route.skills,
      vipPriorityBoost: route.vipPriorityBoost,
    };
  }
}
