import { api, setApiToken } from './api';
import type { AgentRecord } from './contract';
import { Store } from './store';

const STORAGE_KEY = 'acd.session';

/**
 * Who is signed in. The token is kept in sessionStorage (per tab, gone with
 * the tab), so a reload keeps the agent signed in and its open tasks come back
 * from the server's replay.
 */
export class AuthSession extends Store {
  token: string | null = null;
  user: AgentRecord | null = null;

  constructor() {
    super();
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) {
      try {
        const parsed = JSON.parse(saved) as { token: string; user: AgentRecord };
        this.set(parsed.token, parsed.user);
      } catch (error) {
        console.warn('discarding an unreadable saved session', error);
        sessionStorage.removeItem(STORAGE_KEY);
      }
    }
  }

  async login(email: string, password: string): Promise<void> {
    const result = await api<{ accessToken: string; user: AgentRecord }>('POST', '/api/auth/login', { email, password });
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: result.accessToken, user: result.user }));
    this.set(result.accessToken, result.user);
    this.changed();
  }

  logout(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.set(null, null);
    this.changed();
  }

  private set(token: string | null, user: AgentRecord | null): void {
    this.token = token;
    this.user = user;
    setApiToken(token);
  }
}

export const auth = new AuthSession();
