import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';

export interface TcpProxy {
  host: string;
  /** Port clients connect to (stays the same across pause/resume). */
  port: number;
  /** Destroys every live connection, both sides, at once (as a network drop or a server crash would). */
  cut(): void;
  /**
   * Live connections stay open but every byte is dropped from now on, both
   * ways: a peer that vanished without a FIN (a dead NAT entry, a frozen
   * server). Only a keepalive or watchdog notices. New connections relay normally.
   */
  blackhole(): void;
  /** Stops listening: new connections are refused (ECONNREFUSED) until resume(). Live ones are kept. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Connections currently relayed. */
  liveConnections(): number;
  /** Connections accepted since start. */
  acceptedCount(): number;
  stop(): Promise<void>;
}

/** A tiny TCP relay from a free 127.0.0.1 port to `targetHost:targetPort`, for simulating connection drops. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const proxy = new TcpRelay(targetHost, targetPort);
  await proxy.listen(0);
  return proxy;
}

class TcpRelay implements TcpProxy {
  readonly host = '127.0.0.1';
  port = 0;
  private readonly logger = new Logger(TcpRelay.name);
  private readonly pairs = new Set<[Socket, Socket]>();
  private server: Server | null = null;
  private accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(port: number): Promise<void> {
    const server = createServer((client) => this.relay(client));
    server.on('error', (err: Error) => this.logger.warn(`proxy listener error: ${err.message}`));
    const listening = once(server, 'listening');
    server.listen(port, this.host);
    await listening;
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  cut(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  blackhole(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      // Flowing mode with no 'data' consumer: whatever arrives is read and discarded.
      client.resume();
      upstream.resume();
    }
  }

  async pause(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    // close() only stops accepting; it resolves when the live connections end, so do not wait for that.
    server.close();
  }

  async resume(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  liveConnections(): number {
    return this.pairs.size;
  }

  acceptedCount(): number {
    return this.accepted;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.cut();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    this.accepted += 1;
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // Either side failing ends the pair; the error itself is what the test provokes.
    client.on('error', (err: Error) => this.logger.debug(`client side: ${err.message}`));
    upstream.on('error', (err: Error) => this.logger.debug(`upstream side: ${err.message}`));
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
