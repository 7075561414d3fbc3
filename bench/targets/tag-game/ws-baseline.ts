/**
 * The tag game as its users would write it by hand with `ws`: one process, one World (the same rules as the Flux
 * server, from servers/tag-game/src/game/), a setInterval tick that steps the world and broadcasts it, and the
 * same protocol and limits. The benchmark's baseline (profiles/tag-game.ts).
 *
 *   node bench/targets/tag-game/ws-baseline.ts --port 0 [--interest off|on] [--tick-hz 20] [--arena-w 2400 --arena-h 1600]
 *
 * Every rule of src/game/config.ts is a flag too (--view-cell, --grace-ms, --max-players, ...).
 *
 * --interest off: each tick's full snapshot is encoded once and the same bytes go to every player.
 * --interest on:  the same interest management as the Flux server's option (ViewEncoder: one snapshot per
 *                 occupied cell, each player sent its cell's).
 * Prints `http://127.0.0.1:<port>/` once it listens; the WebSocket is at /ws; SIGTERM closes every connection
 * (1001) and exits 0.
 *
 * Limits, with the Flux server's defaults (servers/tag-game/src/options.ts): frames over --max-payload bytes
 * (ws closes 1009); an Origin outside the allow-list (the server's own, and --allow-origin) refused with 403; a
 * token bucket per connection of --rate-limit messages a second and --rate-burst at once, closed 4002 past it;
 * malformed JSON 4000, unknown types 4001, input before join or a second join 4003, an unknown token 4004, a full
 * world 4005; a ping every --heartbeat-ms, and 4007 for a connection that answered none for two intervals, sent
 * nothing for --idle-timeout-ms, or did not join within --join-timeout-ms; a connection with more than
 * --slow-bytes unsent skips frames, and is closed 4006 once behind for --slow-drop-ms.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE, DEFAULT_GAME, ViewEncoder, World, encodeState, encodeWelcome, gameConfig, parseClientMessage, type GameConfig, type Player } from '../../../servers/tag-game/src/game/index.ts';

/** Every rule of the game is a flag, as in the Flux server: arenaW -> --arena-w. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const GAME_FLAGS = Object.fromEntries(Object.keys(DEFAULT_GAME).map((key) => [kebab(key), { type: 'string' as const }]));

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    interest: { type: 'string', default: 'off' },
    'tick-hz': { type: 'string', default: '20' },
    ...GAME_FLAGS,
    'max-payload': { type: 'string', default: '1024' },
    'rate-limit': { type: 'string', default: '40' },
    'rate-burst': { type: 'string', default: '80' },
    'heartbeat-ms': { type: 'string', default: '5000' },
    'join-timeout-ms': { type: 'string', default: '10000' },
    'idle-timeout-ms': { type: 'string', default: '120000' },
    'slow-bytes': { type: 'string', default: String(256 * 1024) },
    'slow-drop-ms': { type: 'string', default: '3000' },
    'allow-origin': { type: 'string', multiple: true },
  },
  strict: true,
});

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`ws-baseline: --${name} must be a positive number, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

if (values.interest !== 'on' && values.interest !== 'off') {
  process.stderr.write(`ws-baseline: --interest must be on or off, got "${values.interest}"\n`);
  process.exit(2);
}
const interest = values.interest === 'on';
const tickHz = positive('tick-hz', values['tick-hz'])!;
const maxPayload = positive('max-payload', values['max-payload'])!;
const rateLimit = positive('rate-limit', values['rate-limit'])!;
const rateBurst = positive('rate-burst', values['rate-burst'])!;
const heartbeatMs = positive('heartbeat-ms', values['heartbeat-ms'])!;
const joinTimeoutMs = positive('join-timeout-ms', values['join-timeout-ms'])!;
const idleTimeoutMs = positive('idle-timeout-ms', values['idle-timeout-ms'])!;
const slowBytes = positive('slow-bytes', values['slow-bytes'])!;
const slowDropMs = positive('slow-drop-ms', values['slow-drop-ms'])!;
const rules: Partial<GameConfig> = {};
for (const key of Object.keys(DEFAULT_GAME) as (keyof GameConfig)[]) {
  const raw = (values as Record<string, unknown>)[kebab(key)];
  if (typeof raw === 'string') rules[key] = Number(raw);
}
let config: GameConfig;
try {
  config = gameConfig(rules);
} catch (error) {
  process.stderr.write(`ws-baseline: ${(error as Error).message}\n`);
  process.exit(2);
}

const world = new World(config, { now: Date.now() });
const views = new ViewEncoder();

interface Client {
  readonly socket: WebSocket;
  player: Player | undefined;
  tokens: number;
  refilledAt: number;
  readonly openedAt: number;
  lastMessageAt: number;
  lastPongAt: number;
  behindSince: number;
}

const clients = new Set<Client>();
const byPlayer = new Map<string, Client>();

function take(client: Client, now: number): boolean {
  client.tokens = Math.min(rateBurst, client.tokens + ((now - client.refilledAt) * rateLimit) / 1000);
  client.refilledAt = now;
  if (client.tokens < 1) return false;
  client.tokens--;
  return true;
}

function onMessage(client: Client, data: Buffer, isBinary: boolean): void {
  const now = Date.now();
  client.lastMessageAt = now;
  if (!take(client, now)) return client.socket.close(CLOSE.rateLimited, 'rate limit');
  if (isBinary) return client.socket.close(CLOSE.malformed, 'text frames only');
  const message = parseClientMessage(data.toString('utf8'));
  if ('error' in message) return client.socket.close(message.error === 'malformed' ? CLOSE.malformed : CLOSE.unknownType, message.reason);
  if (message.type === 'input') {
    if (!client.player) return client.socket.close(CLOSE.badSequence, 'input before join');
    world.input(client.player.id, message.seq, message.dx, message.dy);
    return;
  }
  if (client.player) return client.socket.close(CLOSE.badSequence, 'joined already');
  let player: Player | undefined;
  if (message.token !== undefined) {
    player = world.rejoin(message.token, now);
    if (!player) return client.socket.close(CLOSE.unknownToken, 'unknown token');
    byPlayer.get(player.id)?.socket.close(CLOSE.replaced, 'rejoined elsewhere');
  } else {
    const joined = world.join(message.name);
    if (!joined.player) return client.socket.close(CLOSE.full, 'the game is full');
    player = joined.player;
  }
  client.player = player;
  byPlayer.set(player.id, client);
  client.socket.send(encodeWelcome(player, world, tickHz), { binary: false });
}

function tick(): void {
  const now = Date.now();
  world.step(now);
  world.expire(now);
  let full: Buffer | undefined;
  if (interest) views.encode(world);
  else full = encodeState(world);
  for (const client of clients) {
    const player = client.player;
    if (!player) continue;
    if (client.socket.bufferedAmount > slowBytes) {
      if (client.behindSince === 0) client.behindSince = now;
      else if (now - client.behindSince > slowDropMs) client.socket.close(CLOSE.tooSlow, 'too slow');
      continue;
    }
    client.behindSince = 0;
    client.socket.send(full ?? views.viewFor(player.slot), { binary: false });
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('tag-game ws baseline: the WebSocket is at /ws\n');
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
let allowedOrigins: readonly string[] = values['allow-origin'] ?? [];

server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const path = (req.url ?? '').split('?')[0];
  const origin = req.headers.origin;
  if (path !== '/ws' || (origin !== undefined && !allowedOrigins.includes(origin))) {
    socket.end(`HTTP/1.1 ${path !== '/ws' ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const now = Date.now();
    const client: Client = { socket: ws, player: undefined, tokens: rateBurst, refilledAt: now, openedAt: now, lastMessageAt: now, lastPongAt: now, behindSince: 0 };
    clients.add(client);
    ws.on('message', (data: Buffer, isBinary) => onMessage(client, data, isBinary));
    ws.on('pong', () => {
      client.lastPongAt = Date.now();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      clients.delete(client);
      const player = client.player;
      if (player && byPlayer.get(player.id) === client) {
        byPlayer.delete(player.id);
        world.disconnect(player.id, Date.now());
      }
    });
  });
});

const ticker = setInterval(tick, 1000 / tickHz);
const heartbeat = setInterval(() => {
  const now = Date.now();
  for (const client of clients) {
    const quiet = now - Math.max(client.lastPongAt, client.lastMessageAt) > 2 * heartbeatMs;
    const idle = now - client.lastMessageAt > idleTimeoutMs;
    const notJoined = !client.player && now - client.openedAt > joinTimeoutMs;
    if (quiet || idle || notJoined) {
      client.socket.close(CLOSE.idle, quiet ? 'no pong' : idle ? 'idle' : 'no join');
      continue;
    }
    client.socket.ping();
  }
}, heartbeatMs);

server.listen({ host: '127.0.0.1', port: Number(values.port) }, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : Number(values.port);
  allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...allowedOrigins];
  process.stdout.write(`tag-game ws baseline (interest ${interest ? 'on' : 'off'}, ${tickHz} Hz) listening on http://127.0.0.1:${port}/\n`);
});

function stop(): void {
  clearInterval(ticker);
  clearInterval(heartbeat);
  for (const client of clients) client.socket.close(CLOSE.goingAway, 'server stopping');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
