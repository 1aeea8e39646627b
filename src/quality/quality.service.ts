import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { CreateReviewDto, CreateSampleDto, ListReviewsQueryDto } from './quality.dto';
import { QualityReviewEntity, QualitySampleEntity } from './quality.entity';
import { QualityException, QualityExceptionCode } from './quality.exception';

export interface SampledTask {
  taskId: string;
  agentId: string | null;
  channel: string | null;
  queueId: string | null;
  completedAt: string;
}

export interface QualitySampleView {
  id: string;
  createdAt: string;
  createdBy: string | null;
  from: string;
  to: string;
  channel: string | null;
  requested: number;
  tasks: SampledTask[];
}

export interface QualityReviewView {
  id: string;
  taskId: string;
  sampleId: string | null;
  agentId: string | null;
  reviewerId: string | null;
  score: number;
  criteria: Record<string, number>;
  comment: string | null;
  createdAt: string;
}

const CRITERION = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Quality review: random samples of the tasks handled (completed) in a period,
 * from the durable history, and reviewers' scores of single tasks.
 */
@Injectable()
export class QualityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(QualitySampleEntity) private readonly samples: Repository<QualitySampleEntity>,
    @InjectRepository(QualityReviewEntity) private readonly reviews: Repository<QualityReviewEntity>,
  ) {}

  async sample(dto: CreateSampleDto, actorId: string): Promise<QualitySampleView> {
    const from = new Date(dto.from);
    const to = new Date(dto.to);
    if (!(from.getTime() < to.getTime())) throw new QualityException(QualityExceptionCode.BadPeriod, '`from` must be before `to`');
    // One row per task (its last completion), then a uniform random pick.
    const rows: Array<{ task_id: string; agent_id: string | null; channel: string | null; queue_id: string | null; at: Date }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (e.task_id) e.task_id, e.agent_id, e.channel, e.queue_id, e.at
           FROM task_events e
          WHERE e.type = 'completed' AND e.at >= $1 AND e.at < $2
            AND ($3::text IS NULL OR e.channel = $3) AND ($4::uuid IS NULL OR e.agent_id = $4)
          ORDER BY e.task_id, e.at DESC) handled
        ORDER BY random() LIMIT $5`,
      [from, to, dto.channel ?? null, dto.agentId ?? null, dto.count],
    );
    const saved = await this.samples.save(
      this.samples.create({
        createdAt: new Date(),
        createdBy: actorId,
        periodFrom: from,
        periodTo: to,
        channel: dto.channel ?? null,
        requested: dto.count,
        taskIds: rows.map((row) => row.task_id),
      }),
    );
    return {
      id: saved.id,
      createdAt: saved.createdAt.toISOString(),
      createdBy: saved.createdBy,
      from: from.toISOString(),
      to: to.toISOString(),
      channel: saved.channel,
      requested: saved.requested,
      tasks: rows.map((row) => ({ taskId: row.task_id, agentId: row.agent_id, channel: row.channel, queueId: row.queue_id, completedAt: new Date(row.at).toISOString() })),
    };
  }

  async review(dto: CreateReviewDto, reviewerId: string): Promise<QualityReviewView> {
    const criteria = dto.criteria ?? {};
    for (const [name, value] of Object.entries(criteria)) {
      if (!CRITERION.test(name) || !Number.isInteger(value) || value < 0 || value > 100) {
        throw new QualityException(QualityExceptionCode.BadCriteria, `criteria.${name} must be an integer 0..100 (names: 1-64 of A-Z a-z 0-9 _ . -)`);
      }
    }
    const [handled]: Array<{ agent_id: string | null }> = await this.dataSource.query(
      `SELECT agent_id FROM task_events WHERE task_id = $1 AND type = 'completed' ORDER BY at DESC LIMIT 1`,
      [dto.taskId],
    );
    if (!handled) throw new QualityException(QualityExceptionCode.TaskNotHandled, `task ${dto.taskId} was not handled (no completion recorded)`);
    const saved = await this.reviews.save(
      this.reviews.create({
        taskId: dto.taskId,
        sampleId: dto.sampleId ?? null,
        agentId: handled.agent_id,
        reviewerId,
        score: dto.score,
        criteria,
        comment: dto.comment ?? null,
        createdAt: new Date(),
      }),
    );
    return toReviewView(saved);
  }

  async list(query: ListReviewsQueryDto): Promise<QualityReviewView[]> {
    const where: FindOptionsWhere<QualityReviewEntity> = {};
    if (query.agentId) where.agentId = query.agentId;
    if (query.taskId) where.taskId = query.taskId;
    const rows = await this.reviews.find({ where, order: { createdAt: 'DESC' }, take: query.limit ?? 100 });
    return rows.map(toReviewView);
  }
}

function toReviewView(row: QualityReviewEntity): QualityReviewView {
  return {
    id: row.id,
    taskId: row.taskId,
    sampleId: row.sampleId,
    agentId: row.agentId,
    reviewerId: row.reviewerId,
    score: row.score,
    criteria: row.criteria,
    comment: row.comment,
    createdAt: row.createdAt.toISOString(),
  };
}
