import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { CreateReviewDto, CreateSampleDto, ListReviewsQueryDto, ListSamplesQueryDto } from './quality.dto';
import { QualityReviewEntity, QualitySampleEntity } from './quality.entity';
import { QualityException, QualityExceptionCode } from './quality.exception';
import { QualityReviewView, QualitySampleSummary, QualitySampleView, SampledTask, SampledTaskReview } from './quality.view';

export type { QualityReviewView, QualitySampleSummary, QualitySampleView, SampledTask } from './quality.view';

const CRITERION = /^[A-Za-z0-9_.-]{1,64}$/;

interface HandledRow {
  task_id: string;
  agent_id: string | null;
  agent_name: string | null;
  channel: string | null;
  queue_id: string | null;
  queue_name: string | null;
  at: Date;
  disposition: string | null;
  subject: string | null;
  from_address: string | null;
}

/**
 * Quality review: random samples of the tasks handled (completed) in a period,
 * from the durable history, and reviewers' scores of single tasks. A sample
 * reads back with each task's agent, queue, outcome and its latest review in
 * that sample, so a reviewer can work through it.
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
    const rows: Array<{ task_id: string }> = await this.dataSource.query(
      `SELECT task_id FROM (
         SELECT DISTINCT ON (e.task_id) e.task_id
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
    return this.view(saved);
  }

  /** The latest samples first, with how many of their tasks were reviewed in them. */
  async listSamples(query: ListSamplesQueryDto): Promise<QualitySampleSummary[]> {
    const samples = await this.samples.find({ order: { createdAt: 'DESC' }, take: query.limit ?? 50 });
    if (!samples.length) return [];
    const counts: Array<{ sample_id: string; reviewed: string }> = await this.dataSource.query(
      `SELECT sample_id, COUNT(DISTINCT task_id) AS reviewed FROM quality_reviews WHERE sample_id = ANY($1::uuid[]) GROUP BY sample_id`,
      [samples.map((sample) => sample.id)],
    );
    const reviewed = new Map(counts.map((row) => [row.sample_id, Number(row.reviewed)]));
    return samples.map((sample) => ({
      ...this.head(sample),
      picked: sample.taskIds.length,
      reviewed: reviewed.get(sample.id) ?? 0,
    }));
  }

  async getSample(id: string): Promise<QualitySampleView> {
    return this.view(await this.sampleOrThrow(id));
  }

  async review(dto: CreateReviewDto, reviewerId: string): Promise<QualityReviewView> {
    const criteria = dto.criteria ?? {};
    for (const [name, value] of Object.entries(criteria)) {
      if (!CRITERION.test(name) || !Number.isInteger(value) || value < 0 || value > 100) {
        throw new QualityException(QualityExceptionCode.BadCriteria, `criteria.${name} must be an integer 0..100 (names: 1-64 of A-Z a-z 0-9 _ . -)`);
      }
    }
    if (dto.sampleId && !(await this.sampleOrThrow(dto.sampleId)).taskIds.includes(dto.taskId)) {
      throw new QualityException(QualityExceptionCode.TaskNotInSample, `task ${dto.taskId} is not in sample ${dto.sampleId}`);
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

  private async sampleOrThrow(id: string): Promise<QualitySampleEntity> {
    const sample = await this.samples.findOneBy({ id });
    if (!sample) throw new QualityException(QualityExceptionCode.SampleNotFound, `quality sample ${id} not found`);
    return sample;
  }

  /** The sample with each task's completion (agent, queue, outcome) and its latest review in this sample, in pick order. */
  private async view(sample: QualitySampleEntity): Promise<QualitySampleView> {
    const ids = sample.taskIds;
    const [handled, latest]: [HandledRow[], QualityReviewEntity[]] = ids.length
      ? await Promise.all([
          this.dataSource.query(
            `SELECT DISTINCT ON (e.task_id) e.task_id, e.agent_id, a.name AS agent_name, e.channel, e.queue_id, q.name AS queue_name, e.at,
                    t.disposition, t.attributes->>'subject' AS subject, t.attributes->>'from' AS from_address
               FROM task_events e
               LEFT JOIN tasks t ON t.id = e.task_id
               LEFT JOIN agents a ON a.id = e.agent_id
               LEFT JOIN queues q ON q.id = e.queue_id
              WHERE e.type = 'completed' AND e.task_id = ANY($1::uuid[])
              ORDER BY e.task_id, e.at DESC`,
            [ids],
          ),
          this.reviews
            .createQueryBuilder('r')
            .distinctOn(['r.taskId'])
            .where('r.sampleId = :id', { id: sample.id })
            .orderBy('r.taskId')
            .addOrderBy('r.createdAt', 'DESC')
            .getMany(),
        ])
      : [[], []];
    const byTask = new Map(handled.map((row) => [row.task_id, row]));
    const reviewOf = new Map(latest.map((review) => [review.taskId, review]));
    const tasks = ids.flatMap((taskId): SampledTask[] => {
      const row = byTask.get(taskId);
      if (!row) return [];
      const review = reviewOf.get(taskId);
      return [
        {
          taskId,
          agentId: row.agent_id,
          agentName: row.agent_name,
          channel: row.channel,
          queueId: row.queue_id,
          queue: row.queue_name,
          completedAt: new Date(row.at).toISOString(),
          disposition: row.disposition,
          subject: row.subject,
          from: row.from_address,
          review: review ? toSampledReview(review) : null,
        },
      ];
    });
    return { ...this.head(sample), tasks };
  }

  private head(sample: QualitySampleEntity) {
    return {
      id: sample.id,
      createdAt: sample.createdAt.toISOString(),
      createdBy: sample.createdBy,
      from: sample.periodFrom.toISOString(),
      to: sample.periodTo.toISOString(),
      channel: sample.channel,
      requested: sample.requested,
    };
  }
}

function toSampledReview(row: QualityReviewEntity): SampledTaskReview {
  return { id: row.id, score: row.score, criteria: row.criteria, comment: row.comment, reviewerId: row.reviewerId, createdAt: row.createdAt.toISOString() };
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
