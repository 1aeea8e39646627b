import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { api, isMissing } from '../../lib/api';
import type { ConversationMessage, ConversationView, ReplyView, TemplateSummary } from '../../lib/contract';
import { formatDuration, t, type MessageKey } from '../../lib/i18n';
import { AcdElement, ClockController, StoreController, clock } from '../../lib/store';
import { supervisorSession } from '../../lib/supervisor-session';
import '../channels/acd-safe-html';
import { channelIcon, shared } from '../styles';

type ConversationEntry = ({ status: 'loading' } | { status: 'ready'; conversation: ConversationView } | { status: 'error'; message: string }) & { readAt: string };

/** The customer's mail a reply answers: the latest one received before the reply was written (the server's rule). */
export function answeredMail(conversation: ConversationView, reply: ReplyView): ConversationMessage | null {
  const inbound = conversation.messages.filter((m) => m.direction === 'in');
  return [...inbound].reverse().find((m) => m.at <= reply.createdAt) ?? inbound[inbound.length - 1] ?? null;
}

/**
 * The approval queue (supervisors, `#/approvals`): the replies waiting for
 * approval (`GET /api/replies?status=pending_approval`, kept live by
 * `reply:updated` on /supervisor), oldest first. Opening one shows the
 * customer's mail being answered (from `GET /api/conversations/:id`, HTML
 * through the sandboxed frame) and the proposed reply side by side; Approve
 * sends it, Reject returns it to the agent with a comment, which is required.
 * Keyboard: every control is native; opening a reply moves the focus to the
 * comment, Escape gives it back to the list, and after a decision the focus
 * goes to the next reply waiting (or the list's heading when none is left).
 */
@customElement('acd-approvals')
export class AcdApprovals extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: 1rem; }
      .grid { display: grid; grid-template-columns: minmax(15rem, 1fr) minmax(0, 3fr); gap: 1rem; align-items: start; }
      @media (max-width: 1000px) { .grid { grid-template-columns: 1fr; } }
      ul.queue { list-style: none; margin: .5rem 0 0; padding: 0; display: grid; gap: .4rem; }
      ul.queue button { width: 100%; text-align: left; display: grid; gap: .15rem; }
      ul.queue button[aria-pressed='true'] { border-color: var(--accent); box-shadow: inset 0 0 0 2px var(--accent); background: #f5f9ff; }
      .subject { font-weight: 600; overflow-wrap: anywhere; }
      .meta { font-size: .85rem; color: var(--muted); }
      .side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; align-items: start; margin-top: .75rem; }
      @media (max-width: 1200px) { .side { grid-template-columns: 1fr; } }
      .side article { display: grid; gap: .5rem; }
      article.mail { border-left: 4px solid var(--email); }
      article.proposed { border-left: 4px solid var(--accent); }
      h4 { margin: 0; font-size: .95rem; }
      pre { white-space: pre-wrap; font: inherit; margin: 0; }
      article.proposed pre { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem; }
      form { display: grid; gap: .6rem; margin-top: 1rem; border-top: 2px solid var(--line); padding-top: 1rem; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      textarea { min-height: 4.5rem; font-weight: 400; resize: vertical; }
      textarea[aria-invalid='true'] { border-color: var(--danger); box-shadow: 0 0 0 1px var(--danger); }
      .actions { display: flex; gap: .5rem; flex-wrap: wrap; }
      .error { color: var(--danger); }
      .status { min-height: 1.3rem; }
      .count { margin-left: .4rem; }
      .reason { background: #fdf0dc; color: var(--warn); }
    `,
  ];

  @state() private selectedId: string | null = null;
  @state() private comment = '';
  @state() private commentError = false;
  @state() private busy = false;
  @state() private flash: { kind: 'ok' | 'error'; text: string } | null = null;
  @state() private templateNames = new Map<string, string>();
  private readonly conversations = new Map<string, ConversationEntry>();

  constructor() {
    super();
    new StoreController(this, [supervisorSession]);
    new ClockController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api<TemplateSummary[]>('GET', '/api/templates')
      .then((templates) => (this.templateNames = new Map(templates.map((tpl) => [tpl.id, tpl.name]))))
      .catch((error: unknown) => {
        if (!isMissing(error)) console.warn('templates not loaded', error);
      });
  }

  override render() {
    const pending = supervisorSession.pending();
    return html`
      <section class="card" aria-labelledby="approvals-title">
        <h2 id="approvals-title">${t('approvals.title')}<span class="badge count" data-testid="approvals-count">${pending.length}</span></h2>
        <p class="muted">${t('approvals.hint')}</p>
        <div class="status ${this.flash?.kind === 'error' ? 'error' : 'muted'}" role="status" data-testid="approvals-status">${this.flash?.text ?? nothing}</div>
      </section>
      ${supervisorSession.repliesState === 'missing'
        ? html`<p class="card muted" data-testid="approvals-unavailable">${t('approvals.unavailable')}</p>`
        : html`<div class="grid">${this.renderQueue(pending)} ${this.renderDetail()}</div>`}
    `;
  }

  private renderQueue(pending: ReplyView[]) {
    return html`<section class="card" aria-labelledby="approvals-queue-title">
      <h3 id="approvals-queue-title" tabindex="-1">${t('approvals.queue')}</h3>
      ${supervisorSession.repliesState === null
        ? html`<p class="muted">…</p>`
        : pending.length
          ? html`<ul class="queue" data-testid="approval-list">
              ${repeat(
                pending,
                (reply) => reply.id,
                (reply) => html`<li>
                  <button type="button" data-reply-id=${reply.id} aria-pressed=${reply.id === this.selectedId} @click=${() => this.open(reply.id)}>
                    <span class="subject">${channelIcon('email')} ${reply.subject}</span>
                    <span class="meta">${t('approvals.by', { agent: this.agentName(reply), to: reply.to })}</span>
                    <span class="meta">${t('approvals.waiting', { duration: formatDuration((clock.now - Date.parse(reply.createdAt)) / 1000) })}</span>
                  </button>
                </li>`,
              )}
            </ul>`
          : html`<p class="muted" data-testid="approvals-empty">${t('approvals.empty')}</p>`}
    </section>`;
  }

  private renderDetail() {
    const id = this.selectedId;
    const reply = id ? (supervisorSession.pendingReplies.get(id) ?? supervisorSession.reviewedReplies.get(id) ?? null) : null;
    if (!reply) return html`<section class="card muted">${t('approvals.pick')}</section>`;
    const pending = reply.status === 'pending_approval';
    const entry = this.conversations.get(reply.conversationId);
    const mail = entry?.status === 'ready' ? answeredMail(entry.conversation, reply) : null;
    return html`<section class="card" aria-labelledby="approval-detail-title" data-testid="approval-detail" data-reply-id=${reply.id} data-status=${reply.status}>
      <h3 id="approval-detail-title">${t('approvals.replyTo', { subject: reply.subject })}</h3>
      ${pending ? nothing : html`<p role="status" class="muted" data-testid="approval-handled">${t('approvals.handled', { status: t(`reply.badge.${reply.status}` as MessageKey) })}</p>`}
      <div class="side">
        <article class="card mail" aria-labelledby="approval-mail-title" data-testid="approval-customer-mail">
          <h4 id="approval-mail-title">${t('approvals.customerMail')}</h4>
          ${!entry || entry.status === 'loading'
            ? html`<p class="muted">…</p>`
            : entry.status === 'error'
              ? html`<p class="error">${entry.message}</p>`
              : mail
                ? html`<dl class="facts">
                      ${mail.from ? html`<dt>${t('email.from')}</dt><dd>${this.sender(entry.conversation, mail)}</dd>` : nothing}
                      ${mail.subject ? html`<dt>${t('email.subject')}</dt><dd>${mail.subject}</dd>` : nothing}
                      <dt>${t('email.date')}</dt><dd>${new Date(mail.at).toLocaleString()}</dd>
                      ${mail.attachments?.length ? html`<dt>${t('email.attachments')}</dt><dd>${mail.attachments.map((f) => f.filename).join(', ')}</dd>` : nothing}
                    </dl>
                    ${mail.html
                      ? html`<acd-safe-html .html=${mail.html} label=${t('approvals.customerMailBody')}></acd-safe-html>`
                      : html`<pre>${mail.text ?? ''}</pre>`}`
                : html`<p class="muted">${t('email.noBody')}</p>`}
        </article>
        <article class="card proposed" aria-labelledby="approval-proposed-title" data-testid="approval-proposed">
          <h4 id="approval-proposed-title">${t('approvals.proposed')}</h4>
          <dl class="facts">
            <dt>${t('approvals.agent')}</dt><dd>${this.agentName(reply)}</dd>
            <dt>${t('email.to')}</dt><dd>${reply.to}</dd>
            <dt>${t('email.subject')}</dt><dd data-field="subject">${reply.subject}</dd>
            ${reply.templateId ? html`<dt>${t('reply.template')}</dt><dd>${this.templateNames.get(reply.templateId) ?? '—'}</dd>` : nothing}
            ${reply.reviewReason ? html`<dt>${t('approvals.reason')}</dt><dd><span class="badge reason">${reply.reviewReason}</span></dd>` : nothing}
          </dl>
          <pre data-field="text">${reply.text}</pre>
        </article>
      </div>
      ${pending ? this.renderForm(reply) : nothing}
    </section>`;
  }

  private renderForm(reply: ReplyView) {
    return html`<form aria-label=${t('approvals.decision')} @submit=${(e: Event) => e.preventDefault()} @keydown=${this.onFormKey}>
      <label
        >${t('approvals.comment')}
        <textarea
          name="comment"
          aria-invalid=${this.commentError ? 'true' : 'false'}
          aria-describedby="approval-comment-error"
          .value=${this.comment}
          @input=${(e: Event) => {
            this.comment = (e.target as HTMLTextAreaElement).value;
            if (this.comment.trim()) this.commentError = false;
          }}
        ></textarea>
      </label>
      <p id="approval-comment-error" class="error" role=${this.commentError ? 'alert' : 'none'} data-testid="approval-comment-error">
        ${this.commentError ? t('approvals.commentRequired') : nothing}
      </p>
      <div class="actions">
        <button type="button" class="ok" ?disabled=${this.busy} @click=${() => this.decide(reply, 'approve')}>${t('approvals.approve')}</button>
        <button type="button" class="danger" ?disabled=${this.busy} @click=${() => this.decide(reply, 'reject')}>${t('approvals.reject')}</button>
      </div>
    </form>`;
  }

  /** The customer's name beside the address, when the mail is theirs. */
  private sender(conversation: ConversationView, mail: ConversationMessage): string {
    const customer = conversation.customer;
    return customer?.name && customer.email && mail.from === customer.email ? `${customer.name} <${mail.from}>` : (mail.from ?? '');
  }

  private agentName(reply: ReplyView): string {
    const agent = reply.authorAgentId ? supervisorSession.agents.get(reply.authorAgentId) : undefined;
    return agent?.name || t('approvals.unknownAgent');
  }

  /** Opens a reply: its conversation is read (the mail being answered), and the focus goes to the comment. */
  private async open(id: string): Promise<void> {
    const reply = supervisorSession.pendingReplies.get(id);
    if (!reply) return;
    if (this.selectedId !== id) {
      this.selectedId = id;
      this.comment = '';
      this.commentError = false;
    }
    this.loadConversation(reply);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name=comment]')?.focus();
  }

  /** Reads the reply's conversation, unless it was read after the reply was written (then it holds the mail answered). */
  private loadConversation(reply: ReplyView): void {
    const conversationId = reply.conversationId;
    const known = this.conversations.get(conversationId);
    if (known && known.status !== 'error' && known.readAt >= reply.createdAt) return;
    const readAt = new Date().toISOString();
    if (!known || known.status === 'error') this.conversations.set(conversationId, { status: 'loading', readAt });
    api<ConversationView>('GET', `/api/conversations/${encodeURIComponent(conversationId)}`)
      .then((conversation): ConversationEntry => ({ status: 'ready', conversation, readAt }))
      .catch((error: unknown): ConversationEntry => ({ status: 'error', message: error instanceof Error ? error.message : String(error), readAt }))
      .then((entry) => {
        this.conversations.set(conversationId, entry);
        this.requestUpdate();
      });
  }

  private async decide(reply: ReplyView, decision: 'approve' | 'reject'): Promise<void> {
    const comment = this.comment.trim();
    if (decision === 'reject' && !comment) {
      // The agent needs to know what to change: no rejection without a comment.
      this.commentError = true;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name=comment]')?.focus();
      return;
    }
    const next = this.nextAfter(reply.id);
    this.busy = true;
    try {
      if (decision === 'approve') await supervisorSession.approveReply(reply.id, comment || undefined);
      else await supervisorSession.rejectReply(reply.id, comment);
      this.flash = {
        kind: 'ok',
        text: t(decision === 'approve' ? 'approvals.approved' : 'approvals.rejected', { agent: this.agentName(reply), subject: reply.subject }),
      };
      this.comment = '';
      this.commentError = false;
      this.selectedId = next;
      if (next) {
        const nextReply = supervisorSession.pendingReplies.get(next);
        if (nextReply) this.loadConversation(nextReply);
      }
      await this.updateComplete;
      const target = next
        ? this.renderRoot.querySelector<HTMLElement>(`ul.queue button[data-reply-id="${CSS.escape(next)}"]`)
        : this.renderRoot.querySelector<HTMLElement>('#approvals-queue-title');
      target?.focus();
    } catch (error) {
      this.flash = { kind: 'error', text: t('sup.error', { message: error instanceof Error ? error.message : String(error) }) };
    } finally {
      this.busy = false;
    }
  }

  /** The reply to open after deciding on `id`: the next one waiting, else the previous one, else none. */
  private nextAfter(id: string): string | null {
    const ids = supervisorSession.pending().map((r) => r.id);
    const at = ids.indexOf(id);
    return ids[at + 1] ?? ids[at - 1] ?? null;
  }

  private onFormKey(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.selectedId) return;
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>(`ul.queue button[data-reply-id="${CSS.escape(this.selectedId)}"]`)?.focus();
  }
}
