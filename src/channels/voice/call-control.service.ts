import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SocketEmitter } from '../../gateway/socket-emitter';
import { DirectoryService } from '../../routing/directory.service';
import { TaskEntity } from '../../tasks/task.entity';
import { TaskHistoryService } from '../../tasks/task-history.service';
import { toTaskView } from '../../tasks/task.view';
import { TasksService } from '../../tasks/tasks.service';
import { CallConnectService } from './call-connect.service';
import { CallControlResult, TelephonyOutcome } from './call-control.view';
import { TelephonyCommandType, TelephonyWebhookClient } from './telephony-webhook.client';
import { VoiceException, VoiceExceptionCode } from './voice.exception';

/** `attributes.heldAt`: when the call was put on hold (ISO), null or absent while it is not. */
export const HELD_AT = 'heldAt';

const heldAtOf = (task: TaskEntity): string | null => {
  const value = task.attributes[HELD_AT];
  return typeof value === 'string' ? value : null;
};

/** A call the telephony system knows (created by call.offered): the only ones it can be told about. */
const isTelephonyCall = (task: TaskEntity): task is TaskEntity & { externalId: string } =>
  !!task.externalId && task.attributes.source === 'telephony';

/**
 * Call control from the agent's call card: hold, resume, end. Only the agent
 * holding the call may use it, only while the call is `assigned`. Hold and
 * resume change `attributes.heldAt` with a conditional update (two clicks, two
 * tabs: one wins, the other gets a 409), then tell the telephony system
 * (`call.hold` / `call.resume`, the signed webhook of call.assign); if it
 * cannot be told, the change is undone and the agent gets a 503, since the
 * caller would not really be on hold. Each is recorded in the task history
 * (`held`, `resumed`), which the customer journey and reports read. End
 * completes the task with the agent's disposition (wrap-up as the queue says)
 * and then asks the telephony system to hang up (`call.hangup`); the task
 * completes even if that fails (the call.ended that follows changes nothing).
 */
@Injectable()
export class CallControlService {
  private readonly logger = new Logger(CallControlService.name);

  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly tasksService: TasksService,
    private readonly history: TaskHistoryService,
    private readonly directory: DirectoryService,
    private readonly emitter: SocketEmitter,
    private readonly webhook: TelephonyWebhookClient,
    private readonly connect: CallConnectService,
  ) {}

  async hold(agentId: string, taskId: string): Promise<CallControlResult> {
    const task = await this.activeCall(agentId, taskId);
    if (heldAtOf(task)) throw new VoiceException(VoiceExceptionCode.CALL_ALREADY_HELD, 'The call is already on hold');
    const at = new Date();
    if (!(await this.setHeldAt(task, agentId, null, at.toISOString()))) return this.raced(agentId, taskId);
    const telephony = await this.tell(task, agentId, 'call.hold');
    if (telephony === 'failed') {
      await this.setHeldAt(task, agentId, at.toISOString(), null);
      throw new VoiceException(VoiceExceptionCode.TELEPHONY_UNREACHABLE, 'The telephony system did not take the hold; the call is not on hold');
    }
    await this.history.record(task, { type: 'held', agentId, at });
    return { task: await this.pushed(taskId, agentId), telephony };
  }

  async resume(agentId: string, taskId: string): Promise<CallControlResult> {
    const task = await this.activeCall(agentId, taskId);
    const since = heldAtOf(task);
    if (!since) throw new VoiceException(VoiceExceptionCode.CALL_NOT_HELD, 'The call is not on hold');
    if (!(await this.setHeldAt(task, agentId, since, null))) return this.raced(agentId, taskId);
    const telephony = await this.tell(task, agentId, 'call.resume');
    if (telephony === 'failed') {
      await this.setHeldAt(task, agentId, null, since);
      throw new VoiceException(VoiceExceptionCode.TELEPHONY_UNREACHABLE, 'The telephony system did not take the resume; the call is still on hold');
    }
    const at = new Date();
    const heldSeconds = Math.max(0, Math.round((at.getTime() - Date.parse(since)) / 1000));
    await this.history.record(task, { type: 'resumed', agentId, at, data: { heldSeconds } });
    return { task: await this.pushed(taskId, agentId), telephony };
  }

  async end(agentId: string, taskId: string, disposition: string | null, notes?: string): Promise<CallControlResult> {
    const task = await this.activeCall(agentId, taskId);
    const since = heldAtOf(task);
    // Hanging up a held call ends the hold with it (the `completed` event closes the held interval).
    if (since) await this.setHeldAt(task, agentId, since, null);
    // Ended by the agent: the connect timer must not re-queue it.
    await this.connect.confirmed(task.id);
    const view = await this.tasksService.complete(agentId, taskId, disposition, notes);
    const telephony = await this.tell(task, agentId, 'call.hangup');
    if (telephony === 'failed') this.logger.warn(`call ${task.externalId} completed by ${agentId}, but the telephony system did not take call.hangup`);
    return { task: view, telephony };
  }

  /** The task, when it is a call this agent holds now; the reason it is not otherwise. */
  private async activeCall(agentId: string, taskId: string): Promise<TaskEntity> {
    const task = await this.tasks.findOneBy({ id: taskId });
    if (!task) throw new VoiceException(VoiceExceptionCode.CALL_NOT_FOUND, `task ${taskId} not found`);
    if (task.channel !== 'voice') throw new VoiceException(VoiceExceptionCode.NOT_A_CALL, `task ${taskId} is a ${task.channel} task, not a call`);
    if (task.agentId !== agentId) throw new VoiceException(VoiceExceptionCode.CALL_NOT_YOURS, 'This call is not assigned to you');
    if (task.status !== 'assigned') throw new VoiceException(VoiceExceptionCode.CALL_NOT_ACTIVE, `the call is ${task.status}; hold, resume and end need it in progress`);
    return task;
  }

  /** Sets `attributes.heldAt` from `expected` to `next`, only while the agent still holds the call; false if something changed first. */
  private async setHeldAt(task: TaskEntity, agentId: string, expected: string | null, next: string | null): Promise<boolean> {
    const query = this.tasks
      .createQueryBuilder()
      .update(TaskEntity)
      .set({ attributes: () => `attributes || jsonb_build_object('${HELD_AT}', CAST(:next AS text))` })
      .where('id = :id AND agent_id = :agentId AND status = :status', { id: task.id, agentId, status: 'assigned' })
      .setParameter('next', next);
    if (expected === null) query.andWhere(`attributes->>'${HELD_AT}' IS NULL`);
    else query.andWhere(`attributes->>'${HELD_AT}' = :expected`, { expected });
    return ((await query.execute()).affected ?? 0) > 0;
  }

  /** Another request changed the call between the read and the update: answer with what it is now. */
  private async raced(agentId: string, taskId: string): Promise<never> {
    const task = await this.activeCall(agentId, taskId);
    throw heldAtOf(task)
      ? new VoiceException(VoiceExceptionCode.CALL_ALREADY_HELD, 'The call is already on hold')
      : new VoiceException(VoiceExceptionCode.CALL_NOT_HELD, 'The call is not on hold');
  }

  private async tell(task: TaskEntity, agentId: string, type: TelephonyCommandType): Promise<TelephonyOutcome> {
    if (!isTelephonyCall(task) || !this.webhook.configured) return 'none';
    const extension = this.directory.agent(agentId)?.extension ?? null;
    return (await this.webhook.send({ type, callId: task.externalId, agentId, extension })) ? 'sent' : 'failed';
  }

  /** The task as it is now, pushed to the agent's screens (every tab of theirs shows the hold). */
  private async pushed(taskId: string, agentId: string) {
    const task = await this.tasks.findOneByOrFail({ id: taskId });
    const view = toTaskView(task, this.directory.queue(task.queueId)?.name ?? null);
    this.emitter.toAgent(agentId, 'task:updated', { task: view });
    return view;
  }
}
