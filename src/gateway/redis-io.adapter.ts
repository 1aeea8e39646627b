import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server, ServerOptions } from 'socket.io';

type RedisClient = ReturnType<typeof createClient>;

/**
 * socket.io over Redis pub/sub: any app node can emit to any agent's room, and
 * `fetchSockets()` sees the sockets of every node. Used when REDIS_URL is set.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = new Logger(RedisIoAdapter.name);
  private adapterConstructor?: ReturnType<typeof createAdapter>;
  private clients: RedisClient[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly url: string,
    private readonly keyPrefix: string,
  ) {
    super(app);
  }

  async connect(): Promise<void> {
    const pub = createClient({ url: this.url });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', (error: Error) => this.logger.warn(`redis adapter: ${error.message}`));
    await Promise.all([pub.connect(), sub.connect()]);
    this.clients = [pub, sub];
    this.adapterConstructor = createAdapter(pub, sub, { key: `${this.keyPrefix}socket.io` });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.filter((client) => client.isOpen).map((client) => client.quit()));
    this.clients = [];
  }
}

/** With Redis configured, sockets go through the Redis adapter (multi-node); else the default in-process one. */
export async function useSocketAdapter(app: INestApplicationContext & { useWebSocketAdapter(adapter: IoAdapter): unknown }, redisUrl: string | null, prefix: string): Promise<void> {
  if (!redisUrl) return;
  const adapter = new RedisIoAdapter(app, redisUrl, prefix);
  await adapter.connect();
  app.useWebSocketAdapter(adapter);
}
