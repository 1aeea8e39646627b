import { io, type Socket } from 'socket.io-client';
import { api, ApiError, isMissing } from './api';
import type { Ack, AgentClientEvents, AgentServerEvents, CallControlResult, ChatLine, PresenceState, PresenceView, ReplyView, TaskView, TemplateSummary } from './contract';
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
  /** Values of the translated text's placeholders. */
  params?: Record<string, string>;
}

/** The reply being written on an email conversation (kept here, so switching tabs or a re-render loses nothing). */
export interface ReplyDraft {
  text: string;
  templateId: string | null;
  /** The rejected reply whose text was put back into the editor, if any. */
  returnedFrom: string | null;
}

/** A customer's mail that arrived on a conversation the agent holds (`email:message`). */
export interface NewMail {
  taskId: string;
  from: string | null;
  subject: string | null;
  at: number;
}

export type ReplyBody = { text: string; templateId?: string; taskId?: string; submitForApproval?: boolean };

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
  /** Per-task notes as the agent types them (sent with Complete, saved as they change during wrap-up). */
  readonly notes = new Map<string, string>();
  /** Per-task state of the notes on the server during wrap-up (`task:notes`). */
  readonly notesState = new Map<string, 'saving' | 'saved' | 'error'>();
  /** Notes saves in flight: Ready waits for them, so the last edit is stored before the wrap-up ends. */
  private readonly notesSaves = new Set<Promise<boolean>>();
  /** The last notes save of each task: the next one waits for it. */
  private readonly notesChains = new Map<string, Promise<boolean>>();
  /** Chat lines per task (`chat:transcript` on accept, then `chat:message`), and chats the visitor left. */
  readonly chats = new Map<string, ChatLine[]>();
  readonly chatsClosed = new Map<string, string>();
  /** The agent's replies on email conversations (`GET /api/replies`, then `reply:updated`), by id. */
  readonly replies = new Map<string, ReplyView>();
  /** Reply drafts by conversation id. */
  readonly drafts = new Map<string, ReplyDraft>();
  /** Bumped when a conversation's thread changed (a customer's mail came in, a reply went out): its view reads it again. */
  readonly threadVersions = new Map<string, number>();
  /** The latest customer's mail per conversation that arrived while the agent held it. */
  readonly newMail = new Map<string, NewMail>();
  /** Tasks with something new the agent has not looked at (their tab is not the active one). */
  readonly unread = new Set<string>();
  /** Reply templates (`GET /api/templates`), read once per connection; 'missing' when the server has none. */
  templates: TemplateSummary[] | 'missing' | null = null;
  private templatesRequest: Promise<void> | null = null;
  private readonly repliesLoaded = new Set<string>();
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
    // A task already in a tab (the replay after a reconnect) keeps the agent's current tab.
    socket.on('task:assigned', ({ task }) => this.upsertTask(task, !this.tasks.has(task.id)));
    socket.on('resumed', ({ taskIds }) => void this.reconcile(new Set(taskIds)));
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
    socket.on('email:message', ({ taskId, conversationId, from, subject }) => {
      this.newMail.set(conversationId, { taskId, from, subject, at: Date.now() });
      this.bumpThread(conversationId);
      if (this.activeTaskId !== taskId) this.unread.add(taskId);
      this.notice = { kind: 'info', text: 'email.newMail', key: 'email.newMail', params: { from: from ?? '?' } };
      this.changed();
    });
    socket.on('reply:updated', ({ reply }) => this.takeReply(reply, true));
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
    this.replies.clear();
    this.repliesLoaded.clear();
    this.drafts.clear();
    this.newMail.clear();
    this.unread.clear();
    this.templates = null;
    this.templatesRequest = null;
    this.activeTaskId = null;
    this.connection = 'connecting';
  }

  async setPresence(state: PresenceState, reason?: string): Promise<boolean> {
    // Ending a wrap-up completes its tasks, after which their notes are final.
    if (this.notesSaves.size) await Promise.all([...this.notesSaves]);
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

  /** Completes the task with the disposition and the notes typed so far. */
  complete(taskId: string, disposition?: string): Promise<boolean> {
    // Edited in this screen (even emptied): sent, so the stored notes are what the agent sees. Not edited: kept.
    const notes = this.notes.get(taskId)?.trim();
    return this.request('task:complete', { taskId, ...(disposition ? { disposition } : {}), ...(notes !== undefined ? { notes } : {}) }, (res) => {
      if (res.ok) this.upsertTask(res.task, false);
    });
  }

  /** The notes as the agent edits them; during wrap-up they are saved on the server (`task:notes`). */
  editNotes(taskId: string, notes: string, save: boolean): Promise<boolean> {
    this.notes.set(taskId, notes);
    if (!save) return Promise.resolve(true);
    this.notesState.set(taskId, 'saving');
    this.changed();
    // One save at a time per task, in edit order: two in flight could be stored in either order.
    const previous = this.notesChains.get(taskId) ?? Promise.resolve(true);
    const saving = previous.then(() =>
      this.request('task:notes', { taskId, notes }, (res) => {
        // Only the latest edit's answer says whether what is on screen is stored.
        if (this.notes.get(taskId) !== notes) return;
        this.notesState.set(taskId, res.ok ? 'saved' : 'error');
        if (res.ok) this.upsertTask(res.task, false);
      }),
    );
    this.notesChains.set(taskId, saving);
    void saving.finally(() => {
      if (this.notesChains.get(taskId) === saving) this.notesChains.delete(taskId);
    });
    this.notesSaves.add(saving);
    void saving.finally(() => this.notesSaves.delete(saving));
    return saving;
  }

  /** The notes to show: the agent's edit in this screen, else the task's stored notes (after a reload). */
  notesOf(task: TaskView): string {
    return this.notes.get(task.id) ?? task.notes ?? '';
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
    const notes = this.notes.get(taskId)?.trim();
    return this.callControl(taskId, 'end', { ...(disposition ? { disposition } : {}), ...(notes !== undefined ? { notes } : {}) });
  }

  select(taskId: string): void {
    this.activeTaskId = taskId;
    this.unread.delete(taskId);
    this.changed();
  }

  /** The agent's replies on a conversation, newest first (read from the server once, then kept live). */
  repliesOf(conversationId: string): ReplyView[] {
    if (!this.repliesLoaded.has(conversationId)) {
      this.repliesLoaded.add(conversationId);
      api<ReplyView[]>('GET', `/api/replies?conversationId=${encodeURIComponent(conversationId)}`)
        .then((replies) => {
          replies.forEach((reply) => this.replies.set(reply.id, reply));
          // After a reload: the latest reply, if it came back rejected, is still to be fixed.
          const latest = this.latestReply(conversationId);
          if (latest?.status === 'rejected') this.restore(latest);
          this.changed();
        })
        .catch((error: unknown) => {
          if (!isMissing(error)) console.warn('replies not loaded', error);
        });
    }
    return [...this.replies.values()].filter((r) => r.conversationId === conversationId && r.kind === 'reply').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  draftOf(conversationId: string): ReplyDraft {
    return this.drafts.get(conversationId) ?? { text: '', templateId: null, returnedFrom: null };
  }

  setDraft(conversationId: string, change: Partial<ReplyDraft>): void {
    this.drafts.set(conversationId, { ...this.draftOf(conversationId), ...change });
    this.changed();
  }

  /** `POST /api/conversations/:id/reply`: the answer's reply is kept (its state then follows `reply:updated`); a refusal becomes a notice. */
  async sendReply(conversationId: string, body: ReplyBody): Promise<ReplyView | null> {
    try {
      const reply = await api<ReplyView>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/reply`, body);
      this.drafts.delete(conversationId);
      this.newMail.delete(conversationId);
      this.takeReply(reply, false);
      return reply;
    } catch (error) {
      this.notice = { kind: 'error', text: error instanceof Error ? error.message : String(error), detail: error instanceof ApiError ? (error.code ?? String(error.status)) : undefined };
      this.changed();
      return null;
    }
  }

  /** Reply templates, read once (the editor lists them by the mail's language). */
  ensureTemplates(): void {
    if (this.templatesRequest) return;
    this.templatesRequest = api<TemplateSummary[]>('GET', '/api/templates')
      .then((templates) => {
        this.templates = templates;
      })
      .catch((error: unknown) => {
        if (!isMissing(error)) console.warn('templates not loaded', error);
        this.templates = 'missing';
      })
      .then(() => this.changed());
  }

  threadVersion(conversationId: string): number {
    return this.threadVersions.get(conversationId) ?? 0;
  }

  private bumpThread(conversationId: string): void {
    this.threadVersions.set(conversationId, this.threadVersion(conversationId) + 1);
  }

  /**
   * A reply's new state. Rejected: its text goes back into the editor (unless
   * the agent already wrote something else there), with the supervisor's
   * comment beside it. Sent: the thread is read again (the reply is in it).
   */
  private takeReply(reply: ReplyView, live: boolean): void {
    const known = this.replies.get(reply.id);
    this.replies.set(reply.id, reply);
    if (reply.kind === 'reply' && reply.status === 'rejected' && known?.status !== 'rejected') {
      if (this.latestReply(reply.conversationId)?.id === reply.id) this.restore(reply);
      if (live) {
        this.notice = { kind: 'info', text: reply.reviewComment ?? '', key: 'reply.returnedNotice', params: { comment: reply.reviewComment ?? '' } };
        const taskId = reply.taskId;
        if (taskId && this.activeTaskId !== taskId) this.unread.add(taskId);
      }
    }
    if (reply.status === 'sent' && known?.status !== 'sent') this.bumpThread(reply.conversationId);
    this.changed();
  }

  /** Puts a returned reply's text back into the editor, unless the agent is already writing something else. */
  private restore(reply: ReplyView): void {
    const draft = this.draftOf(reply.conversationId);
    if (draft.returnedFrom === reply.id || draft.text.trim()) return;
    this.drafts.set(reply.conversationId, { text: reply.text, templateId: reply.templateId, returnedFrom: reply.id });
  }

  private latestReply(conversationId: string): ReplyView | null {
    let latest: ReplyView | null = null;
    for (const reply of this.replies.values()) {
      if (reply.conversationId === conversationId && reply.kind === 'reply' && (!latest || reply.createdAt > latest.createdAt)) latest = reply;
    }
    return latest;
  }

  closeTask(taskId: string): void {
    this.tasks.delete(taskId);
    this.notes.delete(taskId);
    this.notesState.delete(taskId);
    this.chats.delete(taskId);
    this.chatsClosed.delete(taskId);
    this.unread.delete(taskId);
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

  /**
   * After a reconnect: a tab whose task the server no longer lists as held
   * ended while the socket was down (completed, canceled, transferred): its
   * current state is read once and shown as any other update would be.
   */
  private async reconcile(held: Set<string>): Promise<void> {
    const stale = [...this.tasks.values()].filter((task) => !held.has(task.id) && !ENDED.has(task.status));
    for (const task of stale) {
      try {
        const now = await api<TaskView>('GET', `/api/tasks/${task.id}`);
        // Ended: shown as any ending is. Still open but not held by this agent (back in the queue, with
        // someone else): it is no longer this agent's work, so its tab goes.
        if (ENDED.has(now.status)) this.upsertTask(now, false);
        else this.closeTask(task.id);
      } catch (error) {
        // Gone: close the tab. Anything else (the network again): keep it as it is; the next replay retries.
        if (error instanceof ApiError && error.status === 404) this.closeTask(task.id);
        else console.warn(`task ${task.id} not reconciled after reconnect`, error);
      }
    }
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
