/**
 * The five sources of bittorrent.flux. All run on the main thread (the peer's sockets and timers live there on
 * every runtime); their flows run wherever the runtime puts them.
 */

import { connect, createServer, type Socket } from 'node:net';
import type { SourceContext } from '@flux/runtime/api.ts';
import { peerContext } from '../context.ts';
import { parseAddress } from '../options.ts';
import { banKeyOf, C_CANDIDATES, C_INTERVAL, C_PORT, MAX_CANDIDATES } from '../state/swarm-state.ts';
import type { Announce, Tick } from '../types.ts';
import { PeerConnection, type PeerSourceContext } from './peer-connection.ts';
import { prepareMse } from './mse.ts';
import { slots } from './slots.ts';

/** The port we listen on, once we do (Connect skips it: the tracker hands us our own address back). */
let listeningPort = 0;
const open = new Set<PeerConnection>();

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export async function Listen(ctx: PeerSourceContext): Promise<void> {
  const pc = peerContext();
  await prepareMse();
  const server = createServer({ noDelay: true }, (socket: Socket) => {
    if (slots.count(pc.state) + open.size >= pc.options.maxPeers * 2 || ctx.signal.aborted) {
      socket.destroy();
      return;
    }
    const c: PeerConnection = new PeerConnection(socket, ctx, pc, { outbound: false, onClosed: () => open.delete(c) });
    open.add(c);
  });
  const address = await ctx.listen(server, { host: pc.options.host, port: pc.options.port });
  listeningPort = address.port;
  Atomics.store(pc.state.counters, C_PORT, address.port);
  await untilAborted(ctx.signal);
  server.close();
  for (const c of open) c.destroy();
}

export async function Connect(ctx: PeerSourceContext): Promise<void> {
  const pc = peerContext();
  const st = pc.state;
  const connected = new Map<string, PeerConnection | 'connecting'>();
  const lastTry = new Map<string, number>();
  const configured = pc.options.peer.map((p) => {
    const { host, port } = parseAddress(p);
    return `${host}:${port}`;
  });
  const tick = (): void => {
    if (ctx.signal.aborted) return;
    const targets = new Set(configured);
    // Tracker peers only while we still need pieces: a seed waits to be asked.
    if (!st.complete()) {
      const n = Math.min(Atomics.load(st.counters, C_CANDIDATES), MAX_CANDIDATES);
      for (let i = 0; i < n; i++) {
        const ip = st.candidates[i * 2]! >>> 0;
        targets.add(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${st.candidates[i * 2 + 1]}`);
      }
    }
    const now = Date.now();
    for (const target of targets) {
      if (connected.has(target) || now - (lastTry.get(target) ?? 0) < pc.options.reconnectMs) continue;
      if (st.isBanned(banKeyOf(target))) continue;
      const { host, port } = parseAddress(target);
      if (port === listeningPort && (host === '127.0.0.1' || host === pc.options.host)) continue;
      if (slots.count(st) >= pc.options.maxPeers) break;
      lastTry.set(target, now);
      connected.set(target, 'connecting');
      const socket = connect({ host, port });
      socket.on('error', () => {});
      socket.once('close', () => {
        if (connected.get(target) === 'connecting') connected.delete(target);
      });
      socket.once('connect', () => {
        const c: PeerConnection = new PeerConnection(socket, ctx, pc, {
          outbound: true,
          address: target,
          onClosed: () => {
            connected.delete(target);
            lastTry.set(target, Date.now());
          },
        });
        connected.set(target, c);
      });
    }
  };
  tick();
  const timer = setInterval(tick, 250);
  await untilAborted(ctx.signal);
  clearInterval(timer);
  for (const c of connected.values()) if (c !== 'connecting') c.destroy();
}

export async function TrackerTimer(ctx: SourceContext<[announce: Announce]>): Promise<void> {
  const pc = peerContext();
  const urls = (pc.options.tracker !== '' ? [pc.options.tracker] : pc.meta.announce).filter((u) => /^https?:/.test(u));
  if (urls.length === 0) return;
  const st = pc.state;
  // Announce the port Listen got, so wait for it.
  while (Atomics.load(st.counters, C_PORT) === 0) {
    if (ctx.signal.aborted) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  const fire = (event: Announce['event']): void => {
    for (const url of urls) void ctx.emit({ url, event, uploaded: 0, downloaded: 0, left: 0, peers: [], interval: 0 });
  };
  fire('started');
  let completedSent = st.complete();
  let next = Date.now() + 60_000;
  const timer = setInterval(() => {
    const now = Date.now();
    if (!completedSent && st.complete()) {
      completedSent = true;
      fire('completed');
    }
    if (next === 0 || now >= next) {
      fire('');
      next = 0;
    }
    if (next === 0) {
      const interval = pc.options.announceIntervalMs || (Atomics.load(st.counters, C_INTERVAL) || 1800) * 1000;
      next = now + interval;
    }
  }, 500);
  await untilAborted(ctx.signal);
  clearInterval(timer);
}

function every(ctx: SourceContext<[tick: Tick]>, ms: number): Promise<void> {
  const timer = setInterval(() => void ctx.emit(Date.now()), ms);
  return untilAborted(ctx.signal).then(() => clearInterval(timer));
}

export function ChokeTimer(ctx: SourceContext<[tick: Tick]>): Promise<void> {
  return every(ctx, peerContext().options.chokeIntervalMs);
}

export function KeepAliveTimer(ctx: SourceContext<[tick: Tick]>): Promise<void> {
  const o = peerContext().options;
  return every(ctx, Math.max(50, Math.min(1_000, o.stallTimeoutMs / 4, o.requestTimeoutMs / 4, o.keepAliveIntervalMs / 2)));
}
