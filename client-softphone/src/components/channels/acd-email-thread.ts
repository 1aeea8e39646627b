import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, isMissing } from '../../lib/api';
import type { TaskView } from '../../lib/contract';
import { t } from '../../lib/i18n';
import { AcdElement } from '../../lib/store';
import { fromOf, subjectOf, text } from '../../lib/task-fields';
import { shared } from '../styles';
import './acd-safe-html';

/** A message of `GET /api/conversations/:id` (DESIGN.md). */
export interface ConversationMessage {
  direction?: string;
  from?: string;
  subject?: string;
  text?: string | null;
  html?: string | null;
  at?: string;
}

interface Attachment {
  filename?: string;
  name?: string;
  size?: number;
  url?: string;
}

/**
 * EXTENSION POINT (email channel): the email tab, in three parts stacked in
 * this order — the thread (`section.thread`: what the task carries,
 * `attributes.html` / `text`, `from`, `subject`, or, when the task has a
 * conversation and the server serves `GET /api/conversations/:id`, the whole
 * thread), its attachments, then the reply slot (`section.reply`,
 * `data-slot="reply"`). HTML is always shown through <acd-safe-html>
 * (DOMPurify + sandboxed frame). The reply editor (templates, merge-field
 * preview, send or submit for approval) goes into the reply slot:
 * `renderReply()` is the one place to change, it gets the task and the thread.
 */
@customElement('acd-email-thread')
export class AcdEmailThread extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: grid; gap: .75rem; }
      section.thread { display: grid; gap: .75rem; }
      .message { display: grid; gap: .5rem; }
      .message.outbound { border-left: 4px solid var(--accent); }
      pre { white-space: pre-wrap; font: inherit; margin: 0; }
      ul { margin: 0; padding-left: 1.2rem; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private thread: ConversationMessage[] | null = null;
  private loadedFor: string | null = null;

  override willUpdate(): void {
    const id = this.task.conversationId;
    if (id && id !== this.loadedFor) {
      this.loadedFor = id;
      api<{ messages?: ConversationMessage[] }>('GET', `/api/conversations/${id}`)
        .then((conversation) => (this.thread = Array.isArray(conversation.messages) ? conversation.messages : null))
        .catch((error: unknown) => {
          if (!isMissing(error)) console.warn('conversation not loaded', error);
        });
    }
  }

  override render() {
    const a = this.task.attributes;
    const messages: ConversationMessage[] = this.thread?.length
      ? this.thread
      : [{ direction: 'inbound', from: fromOf(this.task) ?? undefined, subject: subjectOf(this.task) ?? undefined, html: text(a.html), text: text(a.text) }];
    const attachments = Array.isArray(a.attachments) ? (a.attachments as Attachment[]) : [];
    return html`
      <section class="thread" aria-label=${t('email.thread')} data-testid="email-thread">${this.renderThread(messages)}</section>
      ${this.renderAttachments(attachments)}
      <section class="reply" aria-label=${t('email.replyTitle')} data-slot="reply">${this.renderReply(messages)}</section>
    `;
  }

  /** The reply slot. Until the email channel's reply API lands it only says so. */
  protected renderReply(_thread: ConversationMessage[]) {
    return html`<p class="muted">${t('email.reply')}</p>`;
  }

  private renderThread(messages: ConversationMessage[]) {
    return html`
      ${messages.map(
        (m, i) => html`<article class="card message ${m.direction ?? ''}" aria-label="${t('email.title')} ${i + 1}" data-testid="email-message">
          <dl class="facts">
            ${m.from ? html`<dt>${t('email.from')}</dt><dd>${m.from}</dd>` : nothing}
            ${m.subject ? html`<dt>${t('email.subject')}</dt><dd>${m.subject}</dd>` : nothing}
            ${m.at ? html`<dt>⏱</dt><dd>${new Date(m.at).toLocaleString()}</dd>` : nothing}
          </dl>
          ${m.html
            ? html`<acd-safe-html .html=${m.html} label=${t('email.body')}></acd-safe-html>`
            : m.text
              ? html`<pre>${m.text}</pre>`
              : html`<p class="muted">${t('email.noBody')}</p>`}
        </article>`,
      )}
    `;
  }

  private renderAttachments(attachments: Attachment[]) {
    return html`
      ${attachments.length
        ? html`<section class="card" aria-label=${t('email.attachments')}>
            <h3>${t('email.attachments')}</h3>
            <ul>
              ${attachments.map((f) => {
                const name = f.filename ?? f.name ?? '?';
                const size = typeof f.size === 'number' ? ` (${Math.ceil(f.size / 1024)} KB)` : '';
                return html`<li>${f.url ? html`<a href=${f.url} target="_blank" rel="noopener noreferrer" download>${name}</a>` : name}${size}</li>`;
              })}
            </ul>
          </section>`
        : nothing}
    `;
  }
}
