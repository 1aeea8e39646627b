import { html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { auth } from '../lib/auth-session';
import { t } from '../lib/i18n';
import { AcdElement } from '../lib/store';
import { shared } from './styles';

@customElement('acd-login')
export class AcdLogin extends AcdElement {
  static override styles = [
    shared,
    css`
      form { max-width: 22rem; margin: 12vh auto 0; display: grid; gap: .9rem; }
      label { display: grid; gap: .25rem; font-weight: 600; }
      .error { color: var(--danger); }
    `,
  ];

  @state() private error: string | null = null;
  @state() private busy = false;

  override render() {
    return html`
      <form class="card" @submit=${this.submit} aria-labelledby="login-title">
        <h1 id="login-title">${t('login.title')}</h1>
        <label>${t('login.email')}<input name="email" type="email" autocomplete="username" required autofocus /></label>
        <label>${t('login.password')}<input name="password" type="password" autocomplete="current-password" required /></label>
        ${this.error ? html`<p class="error" role="alert">${t('login.failed', { message: this.error })}</p>` : null}
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
      </form>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = null;
    try {
      await auth.login(String(data.get('email')), String(data.get('password')));
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}
