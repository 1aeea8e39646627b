import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import { api, download, isMissing } from '../../lib/api';
import type { ConversationMessage, ConversationView, MailAttachment, TaskView } from '../../lib/contract';
import { formatSize, t } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { fromOf, subjectOf, text } from '../../lib/task-fields';
import { shared } from '../styles';
import './acd-safe-html';
import './acd-reply-editor';

/** A message as this view shows it: the conversation's, or what a task without a conversation carries. */
type ShownMessage = Pick<ConversationMessage, 'direction' | 'from' | 'subject' | 'text' | 'html'> & Partial<ConversationMessage>;

/** Attachments a task may carry itself (tasks made through the API, without a conversation). */
interface TaskAttachment {
  filename?: string;
  name?: string;
  size?: number;
}

/**
 * The email tab, in three parts stacked in this order: the thread
 * (`section.thread`: `GET /api/conversations/:id`, every message in order,
 * each with its attachments; or, for a task without a conversation, what the
 * task carries), then the reply slot (`section.reply`, `data-slot="reply"`)
 * with the reply editor. HTML is always shown through <acd-safe-html>
 * (DOMPurify + sandboxed frame). The thread is read again when the customer
 * writes on it (`email:message`) and when a reply goes out (`reply:updated`
 * sent), and the new mail is announced.
 */
@customElement('acd-email-thread')
export class AcdEmailThread extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: .75rem; }
      section.thread { display: grid; gap: .75rem; }
      .message { display: grid; gap: .5rem; }
      .message.out { border-left: 4px solid var(--accent); background: #fbfcfe; }
      .message.in { border-left: 4px solid var(--email); }
      .direction { font-size: .8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
      pre { white-space: pre-wrap; font: inherit; margin: 0; }
      ul.files { list-style: none; margin: 0; padding: 0; display: flex; gap: .5rem; flex-wrap: wrap; }
      ul.files button { display: inline-flex; gap: .4rem; align-items: center; }
      .new-mail { border-color: var(--email); background: #faf6fd; padding: .55rem .9rem; }
      .error { color: var(--danger); }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private conversation: ConversationView | null = null;
  @state() private downloadError: string | null = null;
  private loaded: { id: string; version: number } | null = null;
  private request = 0;

  constructor() {
    super();
    new StoreController(this, [agentSession]);
  }

  override willUpdate(): void {
    const id = this.task.conversationId;
    if (!id) return;
    const version = agentSession.threadVersion(id);
    if (this.loaded?.id === id && this.loaded.version === version) return;
    this.loaded = { id, version };
    const request = ++this.request;
    api<ConversationView>('GET', `/api/conversations/${encodeURIComponent(id)}`)
      .then((conversation) => {
        if (request === this.request) this.conversation = Array.isArray(conversation.messages) ? conversation : null;
      })
      .catch((error: unknown) => {
        if (!isMissing(error)) console.warn('conversation not loaded', error);
      });
  }

  override render() {
    const a = this.task.attributes;
    const messages: ShownMessage[] = this.conversation?.messages.length
      ? this.conversation.messages
      : [{ direction: 'in', from: fromOf(this.task), subject: subjectOf(this.task), html: text(a.html), text: text(a.text) }];
    const taskFiles = !this.conversation?.messages.length && Array.isArray(a.attachments) ? (a.attachments as TaskAttachment[]) : [];
    const fresh = this.task.conversationId ? agentSession.newMail.get(this.task.conversationId) : undefined;
    const open = this.task.status === 'assigned' || this.task.status === 'wrapping';
    return html`
      ${fresh
        ? html`<p class="card new-mail" role="status" data-testid="email-new-mail">
            ${t('email.newMailIn', { from: fresh.from ?? '?', subject: fresh.subject ?? '' })}
          </p>`
        : nothing}
      <section class="thread" aria-label=${t('email.thread')} data-testid="email-thread" data-count=${messages.length}>
        ${messages.map((m, i) => this.renderMessage(m, i))}
        ${taskFiles.length ? this.renderTaskFiles(taskFiles) : nothing}
        ${this.downloadError ? html`<p class="error" role="alert">${this.downloadError}</p>` : nothing}
      </section>
      <section class="reply" aria-label=${t('email.replyTitle')} data-slot="reply">
        ${this.conversation?.messages.some((m) => m.direction === 'in') && open
          ? html`<acd-reply-editor .task=${this.task} .conversation=${this.conversation}></acd-reply-editor>`
          : html`<p class="muted">${t(open ? 'email.replyUnavailable' : 'email.replyClosed')}</p>`}
      </section>
    `;
  }

  private renderMessage(m: ShownMessage, index: number) {
    const inbound = m.direction === 'in';
    return html`<article
      class="card message ${inbound ? 'in' : 'out'}"
      aria-label="${t('email.title')} ${index + 1}"
      data-testid="email-message"
      data-direction=${inbound ? 'in' : 'out'}
      data-message-id=${m.id ?? ''}
    >
      <span class="direction">${t(inbound ? 'email.inbound' : 'email.outbound')}</span>
      <dl class="facts">
        ${m.from ? html`<dt>${t('email.from')}</dt><dd>${this.sender(m)}</dd>` : nothing}
        ${m.to && !inbound ? html`<dt>${t('email.to')}</dt><dd>${m.to}</dd>` : nothing}
        ${m.subject ? html`<dt>${t('email.subject')}</dt><dd>${m.subject}</dd>` : nothing}
        ${m.at ? html`<dt>${t('email.date')}</dt><dd>${new Date(m.at).toLocaleString()}</dd>` : nothing}
      </dl>
      ${m.html
        ? html`<acd-safe-html .html=${m.html} label=${t('email.body')}></acd-safe-html>`
        : m.text
          ? html`<pre>${m.text}</pre>`
          : html`<p class="muted">${t('email.noBody')}</p>`}
      ${m.attachments?.length ? this.renderFiles(m.attachments) : nothing}
    </article>`;
  }

  /** The customer's name beside the address, when the mail is theirs. */
  private sender(m: ShownMessage): string {
    const customer = this.conversation?.customer;
    return m.direction === 'in' && customer?.name && customer.email && m.from === customer.email ? `${customer.name} <${m.from}>` : (m.from ?? '');
  }

  /** A message's attachments: each a button that downloads it (the route needs the bearer token, so no plain link). */
  private renderFiles(files: MailAttachment[]) {
    return html`<div>
      <h3 class="sr-only">${t('email.attachments')}</h3>
      <ul class="files" aria-label=${t('email.attachments')} data-testid="email-attachments">
        ${files.map(
          (file) => html`<li>
            <button type="button" data-attachment-id=${file.id} @click=${() => this.download(file)}
              aria-label=${t('email.download', { name: file.filename, size: formatSize(file.size) })}>
              <span aria-hidden="true">⤓</span> ${file.filename} <span class="muted">(${formatSize(file.size)})</span>
            </button>
          </li>`,
        )}
      </ul>
    </div>`;
  }

  /** Names only: a task made through the API carries no stored file. */
  private renderTaskFiles(files: TaskAttachment[]) {
    return html`<section class="card" aria-label=${t('email.attachments')}>
      <h3>${t('email.attachments')}</h3>
      <ul>
        ${files.map((f) => html`<li>${f.filename ?? f.name ?? '?'}${typeof f.size === 'number' ? ` (${formatSize(f.size)})` : ''}</li>`)}
      </ul>
    </section>`;
  }

  private async download(file: MailAttachment): Promise<void> {
    this.downloadError = null;
    try {
      await download(`/api/email/attachments/${encodeURIComponent(file.id)}`, file.filename);
    } catch (error) {
      this.downloadError = t('email.downloadFailed', { name: file.filename, message: error instanceof Error ? error.message : String(error) });
    }
  }
}
