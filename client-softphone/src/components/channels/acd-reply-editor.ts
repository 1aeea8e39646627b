import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import { api } from '../../lib/api';
import { auth } from '../../lib/auth-session';
import type { ConversationView, PreviewContext, ReplyView, TaskView, TemplatePreview, TemplateSummary } from '../../lib/contract';
import { t, type MessageKey } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { text } from '../../lib/task-fields';
import { shared } from '../styles';

/** "Jeanne Martin" → "Jeanne" (as the server does for `customer.firstName`); an address used as a name gives nothing. */
const firstNameOf = (name: string): string => (name.includes('@') ? '' : (name.split(/\s+/)[0] ?? ''));

/** A context of strings only, without the empty ones (the preview lists those as missing). */
function compact<T extends object>(section: T): T | undefined {
  const entries = Object.entries(section).filter(([, value]) => typeof value === 'string' && value.trim() !== '');
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

/**
 * The merge-field values of this conversation, as the server fills them when
 * the reply is sent (src/templates/merge-context.ts): the customer, the
 * reference and subject (ticket = conversation), the agent answering, the
 * address the customer wrote to. The expected answer time is the server's
 * alone (left empty here: the preview says so).
 */
export function previewContext(conversation: ConversationView): PreviewContext {
  const customer = conversation.customer;
  const name = text(customer?.name) ?? '';
  const answered = [...conversation.messages].reverse().find((m) => m.direction === 'in');
  const context: PreviewContext = {
    customer: compact({ name, email: customer?.email ?? '', firstName: firstNameOf(name) }),
    ticket: compact({ ref: conversation.ref, subject: conversation.subject ?? '' }),
    conversation: compact({ ref: conversation.ref, subject: conversation.subject ?? '' }),
    agent: compact({ name: auth.user?.name ?? '', email: auth.user?.email ?? '' }),
    mailbox: compact({ address: answered?.to ?? '' }),
  };
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) as PreviewContext;
}

/** `Re: <subject> [#REF]`, the subject the server gives a reply without a subject of its own. */
function defaultSubject(conversation: ConversationView): string {
  const subject = (conversation.subject ?? '').trim();
  const base = subject === '' ? 'Re:' : /^re\s*:/i.test(subject) ? subject : `Re: ${subject}`;
  return base.includes(`[#${conversation.ref}]`) ? base : `${base} [#${conversation.ref}]`;
}

const STATUS_KEY: Record<ReplyView['status'], MessageKey> = {
  pending_approval: 'reply.status.pending_approval',
  rejected: 'reply.status.rejected',
  queued: 'reply.status.queued',
  sending: 'reply.status.queued',
  sent: 'reply.status.sent',
  failed: 'reply.status.failed',
};

/**
 * The reply editor of an email conversation: pick a template (those in the
 * mail's language first), see it rendered with this conversation's merge
 * fields (`POST /api/templates/:id/preview`) before anything is sent, edit the
 * text, then **Send** or **Submit for approval**
 * (`POST /api/conversations/:id/reply {text, templateId?, taskId,
 * submitForApproval?}`). The state of the agent's replies follows
 * `reply:updated` live: waiting for approval, sent, failed, or returned by a
 * supervisor — then the text is back in the editor with the comment beside
 * it, to fix and send again. The draft lives in the agent session, so
 * switching tabs loses nothing.
 */
@customElement('acd-reply-editor')
export class AcdReplyEditor extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      form { display: grid; gap: .7rem; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      textarea { min-height: 9rem; resize: vertical; font-weight: 400; line-height: 1.45; }
      select { max-width: 100%; }
      .preview { background: #f7f9fc; border-style: dashed; display: grid; gap: .5rem; }
      .preview pre { white-space: pre-wrap; font: inherit; margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .6rem .75rem; }
      .preview h4 { margin: 0; font-size: .9rem; }
      .warn { color: var(--warn); }
      .returned { border-color: var(--warn); background: #fff8ec; display: grid; gap: .35rem; }
      blockquote { margin: 0; padding: .35rem .7rem; border-left: 4px solid var(--warn); background: #fff; font-style: italic; }
      .status { min-height: 1.4rem; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
      .status .badge.pending_approval, .status .badge.rejected { background: #fdf0dc; color: var(--warn); }
      .status .badge.sent { background: #e2f3ea; color: var(--ok); }
      .status .badge.failed { background: #fbe4e2; color: var(--danger); }
      .status .badge.queued, .status .badge.sending { background: #e3ecfa; color: var(--accent); }
      .actions { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
      ol.history { margin: 0; padding-left: 1.2rem; font-size: .9rem; }
      h3 { margin-bottom: .1rem; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @property({ attribute: false }) conversation!: ConversationView;
  @state() private preview: { templateId: string; result: TemplatePreview } | null = null;
  @state() private previewError: string | null = null;
  @state() private busy = false;
  private previewRequest = 0;
  private previewFor: string | null = null;

  constructor() {
    super();
    new StoreController(this, [agentSession]);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    agentSession.ensureTemplates();
  }

  override willUpdate(): void {
    // A draft names a template (picked, or put back with a returned reply): its preview is shown.
    const templateId = agentSession.draftOf(this.conversation.id).templateId;
    if (templateId !== this.previewFor) {
      this.previewFor = templateId;
      if (templateId) void this.loadPreview(templateId);
      else this.preview = null;
    }
  }

  /** The picker shows the draft's template, also when the draft changed under it (a returned reply, a reply sent). */
  override updated(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('select[name=template]');
    const wanted = agentSession.draftOf(this.conversation.id).templateId ?? '';
    if (select && select.value !== wanted && [...select.options].some((option) => option.value === wanted)) select.value = wanted;
  }

  override render() {
    const id = this.conversation.id;
    const draft = agentSession.draftOf(id);
    const replies = agentSession.repliesOf(id);
    const latest = replies[0] ?? null;
    const preview = this.preview && this.preview.templateId === draft.templateId ? this.preview.result : null;
    const template = this.templates().find((tpl) => tpl.id === draft.templateId) ?? null;
    const empty = !draft.text.trim();
    return html`<form class="card" aria-labelledby="reply-title-${id}" @submit=${(e: Event) => e.preventDefault()} data-testid="reply-editor">
      <h3 id="reply-title-${id}">${t('reply.title')}</h3>
      ${this.renderTemplatePicker(draft.templateId)}
      ${preview ? this.renderPreview(preview, template) : this.previewError ? html`<p class="warn" role="alert">${this.previewError}</p>` : nothing}
      ${latest?.status === 'rejected' ? this.renderReturned(latest) : nothing}
      <label
        >${t('reply.text')}
        <textarea
          name="text"
          .value=${draft.text}
          @input=${(e: Event) => agentSession.setDraft(id, { text: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      <p class="muted">${t('reply.subjectLine', { subject: preview?.subject ?? defaultSubject(this.conversation) })}</p>
      <div class="actions">
        <button type="button" class="primary" ?disabled=${empty || this.busy} @click=${() => this.send(false)}>${t('reply.send')}</button>
        <button type="button" ?disabled=${empty || this.busy} @click=${() => this.send(true)}>${t('reply.submit')}</button>
      </div>
      <div class="status" role="status" aria-live="polite" data-testid="reply-status" data-reply-status=${latest?.status ?? ''} data-reply-id=${latest?.id ?? ''}>
        ${latest ? this.renderStatus(latest) : nothing}
      </div>
      ${replies.length > 1
        ? html`<details>
            <summary>${t('reply.history', { count: replies.length })}</summary>
            <ol class="history">
              ${replies.map(
                (r) => html`<li>${new Date(r.createdAt).toLocaleString()} — ${t(`reply.badge.${r.status}` as MessageKey)}${r.reviewComment ? html` — <q>${r.reviewComment}</q>` : nothing}</li>`,
              )}
            </ol>
          </details>`
        : nothing}
    </form>`;
  }

  /** Templates in the mail's language first (the ones an agent wants), then the others. */
  private renderTemplatePicker(selected: string | null) {
    const templates = this.templates();
    if (agentSession.templates === 'missing') return html`<p class="muted">${t('reply.noTemplates')}</p>`;
    const language = this.language();
    const mine = templates.filter((tpl) => tpl.language === language);
    const others = templates.filter((tpl) => tpl.language !== language);
    const option = (tpl: TemplateSummary) => html`<option value=${tpl.id} ?selected=${tpl.id === selected}>${tpl.name}</option>`;
    return html`<label
      >${t('reply.template')}
      <select name="template" @change=${this.pickTemplate} ?disabled=${agentSession.templates === null}>
        <option value="" ?selected=${!selected}>${t('reply.noTemplate')}</option>
        ${mine.length ? html`<optgroup label=${t('reply.templatesIn', { language: t(`language.${language}` as MessageKey) })}>${mine.map(option)}</optgroup>` : nothing}
        ${others.length ? html`<optgroup label=${t('reply.templatesOther')}>${others.map(option)}</optgroup>` : nothing}
      </select>
    </label>`;
  }

  private renderPreview(preview: TemplatePreview, template: TemplateSummary | null) {
    const missing = preview.missingFields;
    return html`<section class="card preview" aria-label=${t('reply.preview')} data-testid="reply-preview">
      <h4>${t('reply.preview')}</h4>
      <dl class="facts">
        <dt>${t('email.subject')}</dt><dd data-field="subject">${preview.subject}</dd>
        ${template?.attachments.length ? html`<dt>${t('email.attachments')}</dt><dd>${template.attachments.map((f) => f.filename).join(', ')}</dd>` : nothing}
      </dl>
      <pre data-field="text">${preview.text}</pre>
      ${missing.length ? html`<p class="warn" data-field="missing">${t('reply.missingFields', { fields: missing.map((f) => `{{${f}}}`).join(', ') })}</p>` : nothing}
      <div><button type="button" @click=${() => agentSession.setDraft(this.conversation.id, { text: preview.text })}>${t('reply.useText')}</button></div>
    </section>`;
  }

  private renderReturned(reply: ReplyView) {
    return html`<div class="card returned" role="note" data-testid="reply-returned">
      <strong>${t('reply.returned')}</strong>
      <blockquote data-testid="reply-comment">${reply.reviewComment ?? ''}</blockquote>
      <span class="muted">${t('reply.returnedHint')}</span>
    </div>`;
  }

  private renderStatus(reply: ReplyView) {
    const time = reply.sentAt ? new Date(reply.sentAt).toLocaleTimeString() : '';
    return html`<span class="badge ${reply.status}">${t(`reply.badge.${reply.status}` as MessageKey)}</span>
      <span>${t(STATUS_KEY[reply.status], { time, error: reply.lastError ?? '' })}</span>
      ${reply.status === 'pending_approval' && reply.reviewReason ? html`<span class="muted">(${reply.reviewReason})</span>` : nothing}`;
  }

  private templates(): TemplateSummary[] {
    const list = agentSession.templates;
    return Array.isArray(list) ? list : [];
  }

  /** The mail's language (set by the email channel's analysis), English when unknown. */
  private language(): 'fr' | 'en' {
    return this.task.attributes.language === 'fr' ? 'fr' : 'en';
  }

  private pickTemplate(event: Event): void {
    const templateId = (event.target as HTMLSelectElement).value || null;
    agentSession.setDraft(this.conversation.id, { templateId });
  }

  private async loadPreview(templateId: string): Promise<void> {
    const request = ++this.previewRequest;
    this.previewError = null;
    try {
      const result = await api<TemplatePreview>('POST', `/api/templates/${encodeURIComponent(templateId)}/preview`, { context: previewContext(this.conversation) });
      if (request !== this.previewRequest) return;
      this.preview = { templateId, result };
      // An empty editor takes the rendered text at once; text the agent wrote is never overwritten (Use this text does it).
      const draft = agentSession.draftOf(this.conversation.id);
      if (!draft.text.trim() && draft.templateId === templateId) agentSession.setDraft(this.conversation.id, { text: result.text });
    } catch (error) {
      if (request !== this.previewRequest) return;
      this.preview = null;
      this.previewError = t('reply.previewFailed', { message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async send(submitForApproval: boolean): Promise<void> {
    const id = this.conversation.id;
    const draft = agentSession.draftOf(id);
    if (!draft.text.trim()) return;
    this.busy = true;
    const reply = await agentSession.sendReply(id, {
      text: draft.text,
      taskId: this.task.id,
      ...(draft.templateId ? { templateId: draft.templateId } : {}),
      ...(submitForApproval ? { submitForApproval: true } : {}),
    });
    this.busy = false;
    if (reply) {
      this.previewFor = null;
      this.preview = null;
    }
  }
}
