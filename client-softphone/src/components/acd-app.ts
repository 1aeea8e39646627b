import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { agentSession } from '../lib/agent-session';
import { auth } from '../lib/auth-session';
import { hasRole } from '../lib/contract';
import { language, setLanguage, t, type Language, type MessageKey } from '../lib/i18n';
import { AcdElement, StoreController } from '../lib/store';
import { supervisorSession } from '../lib/supervisor-session';
import { shared } from './styles';
import './acd-login';
import './agent/acd-agent-view';
import './supervisor/acd-wallboard';
import './supervisor/acd-reports';
import './supervisor/acd-quality';
import './supervisor/acd-approvals';
import { customerJourneys } from '../lib/customer-journeys';

const VIEWS = ['agent', 'wallboard', 'approvals', 'quality', 'reports'] as const;
type View = (typeof VIEWS)[number];

/**
 * The shell: sign-in, then the views the user's role allows (agents: the
 * softphone; supervisors and admins: the wallboard, quality review and
 * reports as well — they are agents too). The view is in the URL hash (#/wallboard) so it can be
 * bookmarked; sockets connect when their view is first opened.
 */
@customElement('acd-app')
export class AcdApp extends AcdElement {
  static override styles = [
    shared,
    css`
      :host { display: block; min-height: 100vh; background: var(--bg); }
      header {
        display: flex; align-items: center; gap: 1rem; flex-wrap: wrap;
        background: #14233a; color: #fff; padding: .55rem 1.2rem;
      }
      header h1 { font-size: 1.1rem; letter-spacing: .02em; }
      nav { display: flex; gap: .25rem; }
      nav a {
        color: #cfdbea; text-decoration: none; padding: .35rem .75rem; border-radius: 8px; font-weight: 600;
      }
      nav a[aria-current='page'] { background: #2a4466; color: #fff; }
      nav a:hover { color: #fff; }
      nav .pending {
        display: inline-block; min-width: 1.3rem; padding: 0 .35rem; margin-left: .2rem; border-radius: 999px;
        background: #f0b429; color: #14233a; font-size: .8rem; text-align: center;
      }
      .spacer { flex: 1; }
      header select { background: #22395a; color: #fff; border-color: #3b5a82; min-height: 1.9rem; }
      header button { background: transparent; color: #fff; border-color: #3b5a82; min-height: 1.9rem; }
      .conn { font-size: .85rem; display: inline-flex; align-items: center; gap: .35rem; }
      .conn.online { color: #8be0b0; }
      .conn.offline { color: #ffb4a8; }
      .conn.connecting { color: #cfdbea; }
      main { padding: 1rem 1.2rem 2rem; max-width: 1500px; margin: 0 auto; }
    `,
  ];

  /** The view named in the URL hash, if any. */
  @state() private hashView: View | null = null;

  constructor() {
    super();
    new StoreController(this, [auth, agentSession, supervisorSession]);
    window.addEventListener('hashchange', () => this.readHash());
    this.readHash();
  }

  override render() {
    const user = auth.user;
    if (!user || !auth.token) return html`<main><acd-login></acd-login></main>`;
    const supervisor = hasRole(user.role, 'supervisor');
    const view = this.currentView();
    const connection = view === 'agent' ? agentSession.connection : supervisorSession.connection;
    return html`
      <header>
        <h1>${t('app.title')}</h1>
        ${supervisor
          ? html`<nav aria-label=${t('app.nav')}>
              ${VIEWS.map(
                (name) => html`<a href="#/${name}" aria-current=${view === name ? 'page' : 'false'}
                  >${t(`app.view.${name}` as MessageKey)}${name === 'approvals' ? this.pendingBadge() : nothing}</a
                >`,
              )}
            </nav>`
          : nothing}
        <span class="spacer"></span>
        <span class="conn ${connection}" role="status" data-connection=${connection}
          ><span class="dot"></span>${t(`conn.${connection}` as MessageKey)}</span
        >
        <span>${user.name}</span>
        <label class="row"
          ><span class="sr-only">${t('app.language')}</span>
          <select aria-label=${t('app.language')} @change=${(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Language)}>
            <option value="en" ?selected=${language() === 'en'}>English</option>
            <option value="fr" ?selected=${language() === 'fr'}>Français</option>
          </select></label
        >
        <button type="button" @click=${this.logout}>${t('app.logout')}</button>
      </header>
      <main>
        ${view === 'agent'
          ? html`<acd-agent-view></acd-agent-view>`
          : view === 'wallboard'
            ? html`<acd-wallboard></acd-wallboard>`
            : view === 'approvals'
              ? html`<acd-approvals></acd-approvals>`
              : view === 'quality'
                ? html`<acd-quality></acd-quality>`
                : html`<acd-reports></acd-reports>`}
      </main>
    `;
  }

  /** How many replies wait for approval (known once the supervisor socket is up). */
  private pendingBadge() {
    const count = supervisorSession.pendingReplies.size;
    return supervisorSession.repliesState === 'ready' && count > 0
      ? html` <span class="pending" data-testid="nav-approvals-count" aria-hidden="true">${count}</span><span class="sr-only">${t('approvals.navCount', { count })}</span>`
      : nothing;
  }

  override willUpdate(): void {
    if (auth.user && auth.token) this.ensureConnected(this.currentView(), auth.token);
  }

  private currentView(): View {
    if (!auth.user || !hasRole(auth.user.role, 'supervisor')) return 'agent';
    return this.hashView ?? 'wallboard';
  }

  private connectedAgent: string | null = null;
  private connectedSupervisor: string | null = null;

  private ensureConnected(view: View, token: string): void {
    if (view === 'agent' && this.connectedAgent !== token) {
      this.connectedAgent = token;
      agentSession.connect(token);
    }
    // Every supervisor view shows the supervisor socket's connection in the header (and the wallboard keeps its state warm).
    if (view !== 'agent' && this.connectedSupervisor !== token) {
      this.connectedSupervisor = token;
      supervisorSession.connect(token);
    }
  }

  private readHash(): void {
    const name = location.hash.replace(/^#\/?/, '');
    this.hashView = (VIEWS as readonly string[]).includes(name) ? (name as View) : null;
  }

  private logout(): void {
    agentSession.disconnect();
    supervisorSession.disconnect();
    customerJourneys.clear();
    this.connectedAgent = null;
    this.connectedSupervisor = null;
    auth.logout();
  }
}
