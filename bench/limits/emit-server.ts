/**
 * Child process of the socket.io limit (bench/limits/socket-io-emit.ts): a
 * bare socket.io server on loopback that emits frames to the one client as
 * fast as the client's credits allow. Run in its own process so that server
 * and client each have a core, as the app and its agents do.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

interface StartMessage {
  chunk: number;
  window: number;
  durationMs: number;
  payloadBytes: number;
}

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  socket.on('start', (start: StartMessage) => {
    const padding = 'x'.repeat(Math.max(0, start.payloadBytes - 20));
    const end = Date.now() + start.durationMs;
    let seq = 0;
    let done = false;
    const sendChunk = (): void => {
      for (let i = 0; i < start.chunk; i++) socket.emit('frame', padding ? { seq: seq++, padding } : { seq: seq++ });
    };
    socket.on('credit', () => {
      if (Date.now() < end) sendChunk();
      else if (!done) {
        done = true;
        socket.emit('done', { sent: seq });
      }
    });
    for (let i = 0; i < start.window; i++) sendChunk();
  });
});

http.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (http.address() as AddressInfo).port });
});
// The parent went away (or is done): nothing to serve any more.
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 60_000).unref();
