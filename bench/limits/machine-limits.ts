import { fork } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { io } from 'socket.io-client';
import { trackChild, withTimeout } from '../support/cleanup';

/**
 * The machine's limits, measured in the same run as the product's figures so
 * the two can be read side by side: what the loopback Redis, socket.io and
 * Postgres give when nothing of the product is in the way.
 */

/** Calls `call` from `inFlight` concurrent loops for `durationMs` (after a short warm-up): completions per second. */
export async function callsPerSecond(call: () => Promise<unknown>, inFlight: number, durationMs: number): Promise<number> {
  const loop = async (end: number, counter: { n: number }): Promise<void> => {
    while (performance.now() < end) {
      await call();
      counter.n++;
    }
  };
  const warm = { n: 0 };
  const warmEnd = performance.now() + Math.min(300, durationMs / 4);
  await Promise.all(Array.from({ length: inFlight }, () => loop(warmEnd, warm)));
  const counter = { n: 0 };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, () => loop(start + durationMs, counter)));
  return (counter.n / (performance.now() - start)) * 1000;
}

export interface EmitRate {
  framesPerSecond: number;
  frames: number;
  payloadBytes: number;
}

/**
 * Bare socket.io emit rate: a server in a child process emits `frame`s to one
 * socket.io-client (websocket transport, loopback) for `durationMs`; the client
 * grants credits every `chunk` frames so buffers stay bounded. Frames received
 * per second at the client.
 */
export async function socketIoEmitRate(durationMs: number, payloadBytes: number): Promise<EmitRate> {
  const child = fork(path.join(__dirname, 'emit-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  trackChild(child);
  try {
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        child.once('message', (message: { port: number }) => resolve(message.port));
        child.once('exit', (code) => reject(new Error(`emit server exited with ${code}`)));
      }),
      10_000,
      'socket.io emit server start',
    );
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        }),
        5_000,
        'socket.io emit client connect',
      );
      const chunk = 500;
      let received = 0;
      let first = 0;
      let last = 0;
      socket.on('frame', () => {
        last = performance.now();
        if (received === 0) first = last;
        received++;
        if (received % chunk === 0) socket.emit('credit');
      });
      const done = new Promise<number>((resolve) => socket.once('done', (message: { sent: number }) => resolve(message.sent)));
      socket.emit('start', { chunk, window: 4, durationMs, payloadBytes });
      const sent = await withTimeout(done, durationMs + 10_000, 'socket.io emit run');
      if (sent !== received) throw new Error(`socket.io emit: server sent ${sent} frames, client got ${received}`);
      return { framesPerSecond: (received / (last - first)) * 1000, frames: received, payloadBytes };
    } finally {
      socket.close();
    }
  } finally {
    child.disconnect();
    child.kill();
  }
}

/**
 * Postgres limit: sequential single-row INSERT round trips on one connection
 * (autocommit, one fsync'd commit each, as the app's own writes are).
 */
export async function postgresInsertRate(databaseUrl: string, durationMs: number): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TEMP TABLE bench_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL, data jsonb NOT NULL)');
    return await callsPerSecond(() => client.query('INSERT INTO bench_probe (at, data) VALUES (now(), $1)', ['{"k":1}']), 1, durationMs);
  } finally {
    await client.end();
  }
}
