import { html, css, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { agentSession } from '../../lib/agent-session';
import type { ChatLine, TaskView } from '../../lib/contract';
import { t, type MessageKey } from '../../lib/i18n';
import { AcdElement, StoreController } from '../../lib/store';
import { text } from '../../lib/task-fields';
import { channelIcon, shared } from '../styles';

/**
 * EXTENSION POINT (chat channel): the chat thread. Lines come from the
 * `/agent` socket (`chat:transcript` when the chat is accepted, then
 * `chat:message`), else from what the task carries (`attributes.messages`,
 * `attributes.firstMessage`); the agent writes with `chat:send`.
 */
@customElement('acd-chat-thread')
export class AcdChatThread extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; }
      ol { list-style: none; margin: .75rem 0; padding: 0; display: grid; gap: .5rem; max-height: 24rem; overflow-y: auto; }
      li { max-width: 75%; padding: .5rem .75rem; border-radius: 12px; background: #eef2f7; }
      li.agent { margin-left: auto; background: #e3ecfa; }
      li.bot { background: #f4f0e6; }
      .who { font-size: .8rem; color: var(--muted); }
      form { display: flex; gap: .5rem; }
      form input { flex: 1; }
    `,
  ];

  @property({ attribute: false }) task!: TaskView;
  @state() private sending = false;
  @query('input[name=text]') private input?: HTMLInputElement;

  constructor() {
    super();
    new StoreController(this, [agentSession]);
  }

  override render() {
    const lines = this.lines();
    const closed = agentSession.chatsClosed.get(this.task.id);
    const open = this.task.status === 'assigned' && !closed;
    return html`<section class="card" aria-label=${t('chat.title')} data-testid="chat-thread">
      <h3>${channelIcon('chat')} ${t('chat.title')}</h3>
      ${lines.length
        ? html`<ol aria-live="polite">
            ${lines.map((line) => html`<li class=${line.author}><div class="who">${line.name ?? t(`chat.author.${line.author}` as MessageKey)}</div>${line.text}</li>`)}
          </ol>`
        : html`<p class="muted">${t('chat.empty')}</p>`}
      ${closed ? html`<p class="muted" role="status">${t('chat.closed')}</p>` : nothing}
      ${open
        ? html`<form @submit=${this.send}>
            <input name="text" autocomplete="off" aria-label=${t('chat.compose')} placeholder=${t('chat.compose')} required />
            <button class="primary" type="submit" ?disabled=${this.sending}>${t('chat.send')}</button>
          </form>`
        : nothing}
    </section>`;
  }

  private lines(): ChatLine[] {
    const live = agentSession.chats.get(this.task.id);
    if (live?.length) return live;
    const a = this.task.attributes;
    if (Array.isArray(a.messages)) return a.messages as ChatLine[];
    const first = text(a.firstMessage) ?? text(a.text);
    return first ? [{ id: 'first', author: 'visitor', name: text(a.from), text: first, at: this.task.createdAt }] : [];
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const value = this.input?.value.trim();
    if (!value) return;
    this.sending = true;
    if (await agentSession.sendChat(this.task.id, value)) this.input!.value = '';
    this.sending = false;
  }
}
