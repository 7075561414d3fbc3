/** The timers' flows: tracker announces, choking rounds, keep-alives and closing stalled peers. */

import { io } from '@flux/runtime/io/index.ts';
import { peerContext } from '../context.ts';
import * as W from '../protocol/wire.ts';
import { rechoke } from '../swarm/choker.ts';
import { forEachOpenPeer, send } from '../swarm/peers.ts';
import { announce } from '../tracker/announce.ts';
import {
  BYTES_DOWNLOADED, BYTES_UPLOADED, C_CANDIDATE_GEN, C_CANDIDATES, C_HAVE, C_INTERVAL, C_PORT, F_LAST_BLOCK, F_LAST_RECV, F_LAST_SENT,
  MAX_CANDIDATES, P_OUTSTANDING,
} from '../state/swarm-state.ts';
import type { Announce, Tick } from '../types.ts';
import { requestMore } from './peer.ts';

type Out = [announce: Announce];

export function BuildAnnounce(a: Announce): Out {
  const { state: st } = peerContext();
  let left = 0;
  for (let p = 0; p < st.g.numPieces; p++) if (st.have[p] === 0) left += st.pieceSize(p);
  return [{ ...a, uploaded: st.bytesOf(BYTES_UPLOADED), downloaded: st.bytesOf(BYTES_DOWNLOADED), left }];
}

export async function SendAnnounce(a: Announce): Promise<Out> {
  const { meta, state } = peerContext();
  const reply = await announce({
    url: a.url, infoHash: meta.infoHash, peerId: state.peerId, port: state.counter(C_PORT),
    uploaded: a.uploaded, downloaded: a.downloaded, left: a.left, event: a.event,
  });
  return [{ ...a, peers: reply.peers, interval: reply.interval }];
}

/** The tracker's peers go into the candidates table, where the Connect source finds them. */
export function AddCandidates(a: Announce): void {
  const { state: st } = peerContext();
  let n = st.counter(C_CANDIDATES);
  for (const address of a.peers) {
    const at = address.lastIndexOf(':');
    const ip = address.slice(0, at).split('.').map(Number);
    const port = Number(address.slice(at + 1));
    if (ip.length !== 4 || ip.some((x) => !(x >= 0 && x <= 255)) || !(port > 0 && port < 65536)) continue;
    const packed = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) | 0;
    let known = false;
    for (let i = 0; i < Math.min(n, MAX_CANDIDATES); i++) {
      if (st.candidates[i * 2] === packed && st.candidates[i * 2 + 1] === port) known = true;
    }
    if (known) continue;
    const i = n % MAX_CANDIDATES;
    st.candidates[i * 2] = packed;
    st.candidates[i * 2 + 1] = port;
    n++;
  }
  Atomics.store(st.counters, C_CANDIDATES, n);
  Atomics.store(st.counters, C_INTERVAL, a.interval);
  st.addCounter(C_CANDIDATE_GEN, 1);
}

export function AnnounceFailed(error: unknown, a: Announce): void {
  process.stderr.write(`bittorrent: announce to ${a.url} failed: ${(error as Error).message}\n`);
}

export function Rechoke(tick: Tick): void {
  const { state: st, options } = peerContext();
  rechoke(st, options.uploadSlots, Math.floor(tick / options.chokeIntervalMs));
}

/** Keep-alives to quiet connections; closes peers that went silent or sit on our requests. */
export function CheckPeers(tick: Tick): [tick: Tick] {
  const { state: st, options } = peerContext();
  const complete = st.counter(C_HAVE) === st.g.numPieces;
  forEachOpenPeer(st, (s, conn) => {
    if (tick - st.pf(s, F_LAST_RECV) > options.stallTimeoutMs) return io.destroy(conn);
    if (!complete && st.pi(s, P_OUTSTANDING) > 0 && tick - st.pf(s, F_LAST_BLOCK) > options.requestTimeoutMs) return io.destroy(conn);
    if (tick - st.pf(s, F_LAST_SENT) > options.keepAliveIntervalMs) send(st, s, conn, W.KEEP_ALIVE);
  });
  return [tick];
}

/** Tops up every open peer's pipeline (under `picker`: the same steps a peer's own flows take). */
export function Rerequest(_tick: Tick): void {
  const { state: st } = peerContext();
  if (st.complete()) return;
  forEachOpenPeer(st, (slot, conn) => requestMore({ conn, slot }));
}

export function TimerFailed(error: unknown, _tick: Tick): void {
  process.stderr.write(`bittorrent: timer flow failed: ${(error as Error).message}\n`);
}
