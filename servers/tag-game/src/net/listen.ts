/**
 * The Listen source: one HTTP server that serves the client at / and upgrades /ws to a WebSocket (ws,
 * noServer), and the limits around each connection. Its sockets live on the thread it runs on (the main
 * thread; src/tag-game-every-worker.ts runs a copy on every `workers` worker, on one shared port). It emits
 * (client, inbound) per text frame and once when the connection closes; a connection's flows run one after
 * another, in arrival order.
 *
 * Per connection: the upgrade must name an allowed Origin (or none: non-browser clients); text frames only,
 * at most maxPayload bytes (ws closes larger ones with 1009); at most rateLimit messages a second (burst
 * rateBurst), else 4002; a ping every heartbeatMs, and a close (4007) for a client silent two intervals, for a
 * connection that has not joined within joinTimeoutMs and for a player that sent nothing for idleTimeoutMs;
 * a connection with more than slowBytes unsent skips state frames, and one behind for slowDropMs is dropped.
 * A flow that fails closes its connection with the code for its error (src/errors.ts).
 */

import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { io } from '@flux/runtime';
import type { Conn, FlowOutcome, SourceContext } from '@flux/runtime/api.ts';
import { CLOSE } from '../game/parse.ts';
import { closeCodeFor } from '../errors.ts';
import { WELCOME_PENDING } from '../nodes/messages.ts';
import { current } from '../state.ts';
import { publicDirOf } from '../options.ts';
import type { Client, Inbound, Reply } from '../types.ts';
import { loadStatic, serveStatic } from './static.ts';
import { closeFrame } from './frames.ts';

interface Connection {
  readonly ws: WebSocket;
  readonly conn: Conn;
  readonly opened: number;
  player: string | null;
  /** Messages waiting for the flow before them to end. */
  readonly queue: Inbound[];
  busy: boolean;
  pumping: boolean;
  /** Rate limit: a token bucket. */
  tokens: number;
  refilled: number;
  /** Last message, last message or pong, last ping sent. */
  lastMessage: number;
  lastHeard: number;
  lastPing: number;
  closing: boolean;
}

/** Connections open on this thread, for tests and statistics. */
export const open = new Map<number, Connection>();

export async function listen(ctx: SourceContext<[client: Client, inbound: Inbound]>): Promise<void> {
  const { world, options } = current();
  const files = loadStatic(publicDirOf(options));
  const server = createServer((req, res) => serveStatic(files, req, res));
  server.keepAliveTimeout = 5_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false, clientTracking: false });
  let allowed = new Set<string>(options.allowOrigin);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/ws') return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) return refuse(socket, 403, 'Forbidden');
    if (open.size >= options.maxClients || ctx.signal.aborted) return refuse(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket as Socket));
  });

  const accept = (ws: WebSocket, socket: Socket) => {
    const conn = io.register(socket, { overflow: 'drop' });
    const now = Date.now();
    const c: Connection = {
      ws, conn, opened: now, player: null, queue: [], busy: false, pumping: false,
      tokens: options.rateBurst, refilled: now, lastMessage: now, lastHeard: now, lastPing: now, closing: false,
    };
    open.set(conn.id, c);
    ws.on('message', (data: RawData, isBinary: boolean) => onMessage(c, data, isBinary));
    ws.on('pong', () => {
      c.lastHeard = Date.now();
    });
    ws.on('error', () => {}); // a protocol error closes the socket; 'close' follows
    ws.on('close', (code: number) => {
      open.delete(conn.id);
      c.closing = true;
      c.queue.push({ closed: code });
      pump(c);
    });
  };

  const onMessage = (c: Connection, data: RawData, isBinary: boolean) => {
    if (c.closing) return;
    const now = Date.now();
    c.lastMessage = c.lastHeard = now;
    c.tokens = Math.min(options.rateBurst, c.tokens + ((now - c.refilled) * options.rateLimit) / 1000);
    c.refilled = now;
    if (c.tokens < 1) return close(c, CLOSE.rateLimited, 'rate limit');
    c.tokens -= 1;
    if (isBinary) return close(c, CLOSE.malformed, 'text frames only');
    c.queue.push({ text: data.toString() });
    pump(c);
  };

  // One flow at a time per connection: a join's reply (the player) is known before its first input runs.
  const pump = (c: Connection) => {
    if (c.pumping) return;
    c.pumping = true;
    while (!c.busy && c.queue.length > 0) {
      const inbound = c.queue.shift()!;
      c.busy = true;
      ctx.emitThen((outcome) => {
        c.busy = false;
        settle(c, inbound, outcome);
        if (!c.pumping) pump(c);
      }, { conn: c.conn, player: c.player }, inbound);
    }
    c.pumping = false;
  };

  const settle = (c: Connection, inbound: Inbound, outcome: FlowOutcome) => {
    if (inbound.closed !== undefined) {
      if (c.queue.length === 0 && !c.busy) ctx.endSession(c.conn.id);
      return;
    }
    if (outcome.status === 'overload') return close(c, 1013, 'try again later');
    if (outcome.status === 'error') return close(c, closeCodeFor(outcome.code), outcome.message.slice(0, 100));
    const reply = outcome.outputs[0] as Reply;
    if (reply.player !== undefined) c.player = reply.player;
    if (reply.replaced !== undefined) {
      const old = open.get(reply.replaced.id);
      if (old !== undefined) close(old, CLOSE.replaced, 'rejoined elsewhere');
      else {
        // Its socket is another thread's (under workers): the close frame goes as bytes, then the socket ends.
        io.write(reply.replaced, closeFrame(CLOSE.replaced, 'rejoined elsewhere'));
        io.end(reply.replaced);
      }
    }
    if (reply.welcome !== undefined && !c.closing) {
      c.ws.send(reply.welcome, { binary: false });
      // From now on the tick sends this connection its state.
      const slot = world.slotOf(c.player!);
      if (slot >= 0 && world.conns[slot] === c.conn.id && world.lagSince[slot] === WELCOME_PENDING) world.lagSince[slot] = -1;
    }
  };

  const close = (c: Connection, code: number, reason: string) => {
    if (c.closing) return;
    c.closing = true;
    c.ws.close(code, reason);
    // A peer that does not answer the close within a second is cut.
    setTimeout(() => c.ws.terminate(), 1_000).unref();
  };

  // Heartbeats, timeouts and slow readers, for every connection at once.
  const sweep = () => {
    const now = Date.now();
    for (const c of open.values()) {
      if (c.closing) continue;
      // No message at all in time (a join in flight, waiting for a thread under load, is not a timeout).
      if (c.player === null && c.lastMessage === c.opened && now - c.opened > options.joinTimeoutMs) {
        close(c, CLOSE.idle, 'join timeout');
        continue;
      }
      if (c.player !== null && now - c.lastMessage > options.idleTimeoutMs) {
        close(c, CLOSE.idle, 'idle');
        continue;
      }
      if (now - c.lastHeard > 2 * options.heartbeatMs) {
        c.closing = true;
        c.ws.terminate(); // it answers nothing: a close frame would not reach it
        continue;
      }
      if (now - c.lastPing >= options.heartbeatMs) {
        c.lastPing = now;
        c.ws.ping();
      }
      if (c.player === null) continue;
      const slot = world.slotOf(c.player);
      if (slot < 0 || world.conns[slot] !== c.conn.id) continue;
      const lag = world.lagSince[slot]!;
      if (lag === WELCOME_PENDING) continue;
      if (c.ws.bufferedAmount > options.slowBytes) {
        if (lag < 0) world.lagSince[slot] = now;
        else if (now - lag > options.slowDropMs) {
          c.closing = true;
          c.ws.terminate(); // it is not reading: a close frame would wait behind what it has not read
        }
      } else if (lag >= 0) {
        world.lagSince[slot] = -1;
      }
    }
  };

  const address = await ctx.listen(server, { host: options.host, port: options.port });
  allowed = new Set([...ownOrigins(address.host, address.port), ...options.allowOrigin]);
  const sweeper = setInterval(sweep, Math.min(250, 1000 / options.tickHz));

  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  clearInterval(sweeper);
  server.close();
  server.closeIdleConnections();
  // Every player is told the server is going away (1001), then given a moment to answer.
  const mine = [...open.values()];
  for (const c of mine) {
    c.closing = true;
    c.ws.close(CLOSE.goingAway, 'server stopping');
  }
  const deadline = Date.now() + 1_000;
  while (mine.some((c) => open.has(c.conn.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  for (const c of mine) if (open.has(c.conn.id)) c.ws.terminate();
  server.closeAllConnections();
}

/** The origins a page served by this server has: its own address, and localhost for a loopback one. */
export function ownOrigins(host: string, port: number): string[] {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const origins = [`http://${bracketed}:${port}`];
  if (host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || host === '::') origins.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
  return origins;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
