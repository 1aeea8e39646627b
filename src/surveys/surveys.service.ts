import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/validation';
import { NamedStatement, StatementPool } from '../database/statement-pool';
import { TappedTaskEvent, TaskEventTap } from '../stats/task-event-tap';
import { TaskEntity } from '../tasks/task.entity';
import { SurveyEntity } from './survey.entity';
import { SurveyException, SurveyExceptionCode } from './surveys.exception';

/** Channels whose completed tasks get a survey. */
export const SURVEY_CHANNELS = ['email', 'chat'] as const;

/**
 * A completed task's survey, if it is a chat or email that wants one; at most
 * one per task. On the hot path, so a named statement: only the task's key is
 * indexable (the rest is `(…) IS TRUE`; see task-lifecycle.repository.ts).
 */
export const CREATE_SURVEY: NamedStatement = {
  name: 'survey_for_completed_task',
  text: `INSERT INTO surveys (token, task_id, channel, queue_id, agent_id, conversation_id, created_at)
         SELECT $2, id, channel, queue_id, agent_id, conversation_id, now() FROM tasks
          WHERE id = $1 AND (channel = ANY($3) AND status IN ('wrapping', 'completed') AND NOT (attributes @> '{"survey": false}')) IS TRUE
         ON CONFLICT (task_id) DO NOTHING
         RETURNING id, token, task_id, channel, conversation_id, agent_id`,
};

interface SurveyRow {
  id: string;
  token: string;
  task_id: string;
  channel: string;
  conversation_id: string | null;
  agent_id: string | null;
}

/** The path of a survey's public link (the host is the deployment's public URL). */
export const surveyPath = (token: string): string => `/api/surveys/${token}`;

export interface CreatedSurvey {
  surveyId: string;
  token: string;
  /** Path of the public link: `GET` shows the question, `POST {score 1..5, comment?}` answers. */
  link: string;
  taskId: string;
  channel: string;
  conversationId: string | null;
  agentId: string | null;
}

/**
 * Hook for the channels: called once per survey created (floor-wide), after
 * the survey is saved. Registered listeners: the chat channel
 * (ChatSessionsService) pushes `survey {link}` to the visitor of
 * `conversationId` on /chat. There is no email channel yet: when it lands, it
 * registers here too and appends `link` to the reply or sends it in a short
 * follow-up mail; until then an email survey is created and answerable (a
 * supervisor can get its link with `POST /api/surveys`) but nothing is sent.
 * Register with `SurveysService.onCreated`.
 */
export type SurveyCreatedListener = (survey: CreatedSurvey) => void | Promise<void>;

export interface PublicSurveyView {
  question: string;
  scale: number[];
  channel: string;
  answered: boolean;
}

/**
 * Customer satisfaction: when an email or chat task is completed, a survey is
 * created (unless the task's `attributes.survey` is `false`) with an
 * unguessable token; listeners (the channels: chat today) deliver the link. The customer
 * answers 1..5 and an optional comment through the public link, once. Answers
 * are reported with the period's figures (ReportsService).
 */
@Injectable()
export class SurveysService implements OnModuleInit {
  private readonly logger = new Logger(SurveysService.name);
  private readonly listeners: SurveyCreatedListener[] = [];
  private readonly statements: StatementPool;

  constructor(
    @InjectRepository(SurveyEntity) private readonly surveys: Repository<SurveyEntity>,
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly tap: TaskEventTap,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.statements = StatementPool.for(dataSource);
  }

  onModuleInit(): void {
    this.tap.on((event) => this.onTaskEvent(event));
  }

  onCreated(listener: SurveyCreatedListener): void {
    this.listeners.push(listener);
  }

  /**
   * A completed chat or email gets its survey: one named statement (it runs
   * for every completed task, on the hot path) that reads the task, checks it
   * is eligible, and inserts at most one survey per task.
   */
  async onTaskEvent(event: TappedTaskEvent): Promise<void> {
    if (event.type !== 'completed' || !(SURVEY_CHANNELS as readonly string[]).includes(event.channel ?? '')) return;
    const rows = await this.statements.rows<SurveyRow>(CREATE_SURVEY, [event.taskId, randomBytes(32).toString('base64url'), [...SURVEY_CHANNELS]]);
    const row = rows[0];
    if (!row) return;
    this.announce({
      surveyId: row.id,
      token: row.token,
      link: surveyPath(row.token),
      taskId: row.task_id,
      channel: row.channel,
      conversationId: row.conversation_id,
      agentId: row.agent_id,
    });
  }

  private announce(created: CreatedSurvey): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(created))
        .catch((error: unknown) => this.logger.error(`survey listener failed for task ${created.taskId}: ${String(error)}`));
    }
  }

  /** Creates (or returns) the survey of a completed email or chat task, and tells the listeners once. */
  async createForTask(taskId: string): Promise<CreatedSurvey> {
    const task = await this.tasks.findOneBy({ id: taskId });
    if (!task) throw new SurveyException(SurveyExceptionCode.NotFound, `task ${taskId} not found`);
    if (!(SURVEY_CHANNELS as readonly string[]).includes(task.channel) || !['wrapping', 'completed'].includes(task.status)) {
      throw new SurveyException(SurveyExceptionCode.NotEligible, 'surveys are for completed email and chat tasks');
    }
    const existing = await this.surveys.findOneBy({ taskId });
    if (existing) return toCreated(existing);
    let saved: SurveyEntity;
    try {
      saved = await this.surveys.save(
        this.surveys.create({
          token: randomBytes(32).toString('base64url'),
          taskId,
          channel: task.channel,
          queueId: task.queueId,
          agentId: task.agentId,
          conversationId: task.conversationId,
          createdAt: new Date(),
        }),
      );
    } catch (error) {
      // Created concurrently (the completion event and a supervisor at once): one survey per task.
      if (isUniqueViolation(error)) return toCreated(await this.surveys.findOneByOrFail({ taskId }));
      throw error;
    }
    const created = toCreated(saved);
    this.announce(created);
    return created;
  }

  async show(token: string): Promise<PublicSurveyView> {
    const survey = await this.byToken(token);
    return {
      question: 'How satisfied are you with the answer you received? (1 = not at all, 5 = very)',
      scale: [1, 2, 3, 4, 5],
      channel: survey.channel,
      answered: survey.answeredAt !== null,
    };
  }

  /** Records the answer, once (a second answer is a 409 and changes nothing). */
  async answer(token: string, score: number, comment: string | null): Promise<{ answered: true }> {
    const survey = await this.byToken(token);
    const result = await this.surveys.update({ id: survey.id, answeredAt: IsNull() }, { answeredAt: new Date(), score, comment });
    if (!result.affected) throw new SurveyException(SurveyExceptionCode.AlreadyAnswered, 'This survey was already answered');
    return { answered: true };
  }

  private async byToken(token: string): Promise<SurveyEntity> {
    const survey = token.length <= 128 ? await this.surveys.findOneBy({ token }) : null;
    if (!survey) throw new SurveyException(SurveyExceptionCode.NotFound, 'No such survey');
    return survey;
  }
}

function toCreated(survey: SurveyEntity): CreatedSurvey {
  return {
    surveyId: survey.id,
    token: survey.token,
    link: surveyPath(survey.token),
    taskId: survey.taskId,
    channel: survey.channel,
    conversationId: survey.conversationId,
    agentId: survey.agentId,
  };
}
