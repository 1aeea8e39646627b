import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LitElement } from 'lit';
import { onLanguageChange } from './i18n';

/** A piece of client state that tells its subscribers when it changed. */
export class Store {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    this.listeners.forEach((listener) => listener());
  }
}

/** Re-renders a component whenever one of its stores changes. */
export class StoreController implements ReactiveController {
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly stores: Store[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = this.stores.map((store) => store.subscribe(() => this.host.requestUpdate()));
  }

  hostDisconnected(): void {
    this.unsubscribe.forEach((stop) => stop());
    this.unsubscribe = [];
  }
}

/** A one-second tick shared by every duration and countdown on screen (one timer, not one per row). */
class Clock extends Store {
  now = Date.now();
  private timer: number | null = null;
  private users = 0;

  acquire(): void {
    if (this.users++ === 0) this.timer = window.setInterval(() => this.tick(), 1000);
  }

  release(): void {
    if (--this.users === 0 && this.timer !== null) {
      window.clearInterval(this.timer);
      this.timer = null;
    }
  }

  private tick(): void {
    this.now = Date.now();
    this.changed();
  }
}

export const clock = new Clock();

export class ClockController implements ReactiveController {
  private stop: (() => void) | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    clock.acquire();
    this.stop = clock.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.stop?.();
    clock.release();
  }
}

/** Base of every component: re-renders when the UI language changes. */
export class AcdElement extends LitElement {
  private stopLanguage: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopLanguage = onLanguageChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopLanguage?.();
  }
}
