import { io, Socket } from 'socket.io-client';

type Listener = { event: string; predicate: (payload: any) => boolean; resolve: (payload: any) => void; timer: NodeJS.Timeout };

/**
 * A real socket.io-client agent (or supervisor) for e2e tests: connects with a
 * token, records every server event, and lets a test wait for the next event
 * matching a predicate, or emit with an ack.
 */
export class SocketClient {
  readonly events: Array<{ event: string; payload: any; at: number }> = [];
  private readonly waiting: Listener[] = [];
  private cursor = new Map<string, number>();

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload, at: Date.now() });
      for (const listener of [...this.waiting]) {
        if (listener.event === event && listener.predicate(payload)) {
          this.waiting.splice(this.waiting.indexOf(listener), 1);
          clearTimeout(listener.timer);
          listener.resolve(payload);
        }
      }
    });
  }

  static async connect(baseUrl: string, namespace: '/agent' | '/supervisor' | '/chat', token: string): Promise<SocketClient> {
    const socket = io(`${baseUrl}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new SocketClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  /** Resolves with the first matching event received from now on, or one already received and not yet consumed. */
  next<T = any>(event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const from = this.cursor.get(event) ?? 0;
    for (let index = from; index < this.events.length; index++) {
      const entry = this.events[index];
      if (entry.event === event && predicate(entry.payload)) {
        this.cursor.set(event, index + 1);
        return Promise.resolve(entry.payload as T);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const listener: Listener = {
        event,
        predicate,
        resolve: (payload) => {
          this.cursor.set(event, this.events.length);
          resolve(payload as T);
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(listener), 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
        }, timeoutMs),
      };
      this.waiting.push(listener);
    });
  }

  /** Every event of this name received so far. */
  all<T = any>(event: string): T[] {
    return this.events.filter((entry) => entry.event === event).map((entry) => entry.payload as T);
  }

  emit<T = any>(event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
  }

  close(): void {
    for (const listener of this.waiting) clearTimeout(listener.timer);
    this.waiting.length = 0;
    this.socket.disconnect();
  }
}
