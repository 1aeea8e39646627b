import { io, type Socket } from 'socket.io-client';
import { api, ApiError } from './api';
import type { Ack, AgentClientEvents, AgentServerEvents, CallControlResult, ChatLine, PresenceState, PresenceView, TaskView } from './contract';
import type { MessageKey } from './i18n';
import { Store } from './store';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface RingingOffer {
  offerId: string;
  task: TaskView;
  /** Epoch ms. */
  expiresAt: number;
}

export interface Notice {
  kind: 'info' | 'error';
  /** The server's message (already readable, not translated). */
  text: string;
  /** Shown instead of `text`, translated, when set. */
  key?: MessageKey;
  /** Untranslated detail (a reason code, an error code). */
  detail?: string;
}

/** Statuses after which a task is no longer the agent's work (its tab shows why until closed). */
const ENDED = new Set(['completed', 'canceled', 'abandoned', 'transferred']);
const ACK_TIMEOUT_MS = 8000;

type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/**
 * The agent's live state, as the server pushes it on /agent: presence (the
 * truth, never guessed locally), ringing offers, open tasks. socket.io
 * reconnects by itself after a drop; the server then replays presence, ringing
 * offers and open tasks, so nothing is lost. Open tasks are kept across the
 * drop (the replay refreshes them); ringing offers are cleared and replayed,
 * because one that ended meanwhile gets no `offer:revoked`.
 */
export class AgentSession extends Store {
  connection: ConnectionState = 'connecting';
  presence: PresenceView | null = null;
  readonly offers = new Map<string, RingingOffer>();
  /** Open tasks, in tab order. */
  readonly tasks = new Map<string, TaskView>();
  activeTaskId: string | null = null;
  notice: Notice | null = null;
  /** Per-task notes typed by the agent (client-side only for now). */
  readonly notes = new Map<string, string>();
  /** Chat lines per task (`chat:transcript` on accept, then `chat:message`), and chats the visitor left. */
  readonly chats = new Map<string, ChatLine[]>();
  readonly chatsClosed = new Map<string, string>();
  private socket: AgentSocket | null = null;

  connect(token: string): void {
    this.disconnect();
    const socket: AgentSocket = io('/agent', { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 3000 });
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'online';
      this.offers.clear();
      this.changed();
    });
    socket.on('disconnect', () => {
      this.connection = 'offline';
      this.changed();
    });
    socket.io.on('reconnect_attempt', () => {
      this.connection = 'offline';
      this.changed();
    });
    socket.on('presence', (presence) => {
      this.presence = presence;
      this.changed();
    });
    socket.on('offer', ({ offerId, task, expiresAt }) => {
      this.offers.set(offerId, { offerId, task, expiresAt: Date.parse(expiresAt) });
      this.changed();
    });
    socket.on('offer:revoked', ({ offerId, reason }) => {
      if (this.offers.delete(offerId)) this.notice = { kind: 'info', text: reason, key: 'offer.revoked', detail: reason };
      this.changed();
    });
    socket.on('task:assigned', ({ task }) => this.upsertTask(task, true));
    socket.on('task:updated', ({ task }) => this.upsertTask(task, false));
    socket.on('chat:transcript', ({ taskId, messages }) => {
      this.chats.set(taskId, [...messages]);
      this.changed();
    });
    socket.on('chat:message', ({ taskId, message }) => {
      this.addChatLine(taskId, message);
    });
    socket.on('chat:closed', ({ taskId, reason }) => {
      this.chatsClosed.set(taskId, reason);
      this.changed();
    });
    socket.on('error', (error) => {
      this.notice = { kind: 'error', text: error.message, detail: error.code };
      this.changed();
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.presence = null;
    this.offers.clear();
    this.tasks.clear();
    this.chats.clear();
    this.chatsClosed.clear();
    this.activeTaskId = null;
    this.connection = 'connecting';
  }

  setPresence(state: PresenceState, reason?: string): Promise<boolean> {
    return this.request('presence:set', reason ? { state, reason } : { state }, (res) => {
      if (res.ok) this.presence = res.presence;
    });
  }

  accept(offerId: string): Promise<boolean> {
    return this.request('offer:accept', { offerId }, (res) => {
      this.offers.delete(offerId);
      if (res.ok) this.upsertTask(res.task, true);
    });
  }

  reject(offerId: string, reason?: string): Promise<boolean> {
    return this.request('offer:reject', reason ? { offerId, reason } : { offerId }, () => {
      this.offers.delete(offerId);
    });
  }

  complete(taskId: string, disposition?: string): Promise<boolean> {
    return this.request('task:complete', disposition ? { taskId, disposition } : { taskId }, (res) => {
      if (res.ok) this.upsertTask(res.task, false);
    });
  }

  sendChat(taskId: string, text: string): Promise<boolean> {
    return this.request('chat:send', { taskId, text }, (res) => {
      if (res.ok) this.addChatLine(taskId, res.message);
    });
  }

  /** Call control (`POST /api/calls/:taskId/hold|resume|end`): the answer's task replaces ours; a refusal becomes a notice. */
  hold(taskId: string): Promise<boolean> {
    return this.callControl(taskId, 'hold', {});
  }

  resume(taskId: string): Promise<boolean> {
    return this.callControl(taskId, 'resume', {});
  }

  /** Hangs up: the task completes with the disposition (wrap-up as its queue says). */
  endCall(taskId: string, disposition?: string): Promise<boolean> {
    return this.callControl(taskId, 'end', disposition ? { disposition } : {});
  }

  select(taskId: string): void {
    this.activeTaskId = taskId;
    this.changed();
  }

  closeTask(taskId: string): void {
    this.tasks.delete(taskId);
    this.notes.delete(taskId);
    this.chats.delete(taskId);
    this.chatsClosed.delete(taskId);
    if (this.activeTaskId === taskId) this.activeTaskId = [...this.tasks.keys()].pop() ?? null;
    this.changed();
  }

  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  private async callControl(taskId: string, action: 'hold' | 'resume' | 'end', body: object): Promise<boolean> {
    try {
      const result = await api<CallControlResult>('POST', `/api/calls/${encodeURIComponent(taskId)}/${action}`, body);
      this.upsertTask(result.task, false);
      // Ended here, but the telephony system was not told: the agent should know the line may still be up.
      if (result.telephony === 'failed') this.notice = { kind: 'error', text: 'call.hangupFailed', key: 'call.hangupFailed' };
      this.changed();
      return true;
    } catch (error) {
      this.notice = { kind: 'error', text: error instanceof Error ? error.message : String(error), detail: error instanceof ApiError ? (error.code ?? String(error.status)) : undefined };
      this.changed();
      return false;
    }
  }

  private addChatLine(taskId: string, line: ChatLine): void {
    const lines = this.chats.get(taskId) ?? [];
    if (!lines.some((known) => known.id === line.id)) lines.push(line);
    this.chats.set(taskId, lines);
    this.changed();
  }

  private upsertTask(task: TaskView, focus: boolean): void {
    const known = this.tasks.has(task.id);
    if (task.status === 'completed') {
      // A completed task (wrap-up over) leaves the workspace; other endings stay visible until closed.
      if (known) this.closeTask(task.id);
      return;
    }
    if (!known && ENDED.has(task.status)) return;
    this.tasks.set(task.id, task);
    if (focus || !this.activeTaskId) this.activeTaskId = task.id;
    this.changed();
  }

  /** Sends a client event and waits for its ack; a failure becomes a notice. */
  private async request<E extends keyof AgentClientEvents>(
    event: E,
    payload: Parameters<AgentClientEvents[E]>[0],
    onAck: (res: Parameters<Parameters<AgentClientEvents[E]>[1]>[0]) => void,
  ): Promise<boolean> {
    const socket = this.socket;
    if (!socket) return false;
    let res: Ack<object>;
    try {
      // The generic event name defeats socket.io's overloads; the payload and ack types are checked by this method's signature.
      const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<object>> };
      res = await timed.emitWithAck(event, payload);
    } catch (error) {
      this.notice = { kind: 'error', text: error instanceof Error ? error.message : String(error), detail: 'TIMEOUT' };
      this.changed();
      return false;
    }
    onAck(res as Parameters<Parameters<AgentClientEvents[E]>[1]>[0]);
    if (!res.ok) this.notice = { kind: 'error', text: res.error.message, detail: res.error.code };
    this.changed();
    return res.ok;
  }
}

export const agentSession = new AgentSession();
