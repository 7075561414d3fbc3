/**
 * A piece with every block: hashed (off the main thread wherever the runtime has workers), then either marked
 * had and announced, or thrown away. Smart ban: a failed piece remembers a CRC-32 of each block and who sent
 * it; when the piece later passes, a sender whose block differed from the good one is banned. A peer that alone
 * sent two failing pieces is banned too.
 */

import { crc32 } from 'node:zlib';
import { io } from '@flux/runtime/io/index.ts';
import { peerContext } from '../context.ts';
import * as W from '../protocol/wire.ts';
import { connOf, forEachOpenPeer, send } from '../swarm/peers.ts';
import {
  BYTES_DOWNLOADED, BYTES_WASTED, C_HASH_FAILS, C_HAVE, FREE, MAX_PEERS, P_AM_INTERESTED, P_BAN_KEY, P_INTERESTING, P_STRIKES,
  type SwarmState,
} from '../state/swarm-state.ts';
import type { Peer, PieceEvent } from '../types.ts';

type Out = [peer: Peer, event: PieceEvent];

const STRIKES_TO_BAN = 2;

/**
 * Hashes the piece; a good piece kept in memory is then written whole before the flow goes on (to MarkHave),
 * so no block is ever served before it is on disk.
 */
export function VerifyPiece(peer: Peer, event: PieceEvent): Out {
  const { state: st, storage } = peerContext();
  const p = event.piece;
  // A piece kept in memory is hashed there and written in one go once good; else it is read back from disk.
  const pooled = st.poolOf(p);
  const data = pooled ?? storage.readPiece(p);
  const good = storage.verify(p, data);
  // Written at once, in one positional write per file it spans: a write into the page cache is a copy, and
  // handing it to libuv's threads cost the leecher more (a wake-up, a callback, an asynchronous flow) than it
  // saved.
  if (good && pooled !== undefined) storage.writeAt(p * st.g.pieceLength, pooled);
  const bpp = st.g.blocksPerPiece;
  const n = st.blocksIn(p);
  if (good) {
    // Nobody writes this piece's blocks now (all are received), so its failure records can be read unlocked.
    for (let b = 0; b < n; b++) {
      const block = p * bpp + b;
      const key = st.failKey[block]!;
      if (key === 0) continue;
      if ((crc32(data.subarray(b * W.BLOCK, (b + 1) * W.BLOCK)) | 0) !== st.failCrc[block]) banKey(st, key);
      st.failKey[block] = 0;
    }
    if (pooled !== undefined) st.releasePool(p);
    return [peer, { piece: p, complete: true, good: true }];
  }
  const crcs: number[] = [];
  for (let b = 0; b < n; b++) crcs.push(crc32(data.subarray(b * W.BLOCK, (b + 1) * W.BLOCK)) | 0);
  return [peer, { piece: p, complete: true, good: false, crcs }];
}

/** Bans a ban key and closes every connection it names. */
export function banKey(st: SwarmState, key: number): void {
  st.ban(key);
  for (let s = 0; s < MAX_PEERS; s++) {
    if (st.pi(s, P_BAN_KEY) !== key) continue;
    const conn = connOf(st, s);
    if (conn !== undefined) io.destroy(conn);
  }
}

export function MarkHave(peer: Peer, event: PieceEvent): Out {
  const { state: st } = peerContext();
  const p = event.piece;
  if (st.have[p] === 1) return [peer, event];
  st.have[p] = 1;
  st.single[p] = 0;
  st.addCounter(C_HAVE, 1);
  Atomics.notify(st.counters, C_HAVE); // progress.ts, waiting for the last piece
  st.addBytes(BYTES_DOWNLOADED, st.pieceSize(p));
  const n = st.g.numPieces;
  for (let s = 0; s < MAX_PEERS; s++) if (st.peerHas[s * n + p] === 1) st.addPi(s, P_INTERESTING, -1);
  return [peer, event];
}

/** Tells every peer that lacks the piece that we have it; drops interest in peers with nothing left for us. */
export function SendHave(_peer: Peer, event: PieceEvent): void {
  const { state: st } = peerContext();
  const have = W.haveMsg(event.piece);
  forEachOpenPeer(st, (s, conn) => {
    if (!st.peerHasPiece(s, event.piece)) send(st, s, conn, have);
    if (st.pi(s, P_AM_INTERESTED) === 1 && st.pi(s, P_INTERESTING) <= 0) {
      st.setPi(s, P_AM_INTERESTED, 0);
      send(st, s, conn, W.notInterestedMsg);
    }
  });
}

/** The piece failed its hash: every block goes back to the picker, and its senders are judged. */
export function RejectPiece(_peer: Peer, event: PieceEvent): void {
  const { state: st } = peerContext();
  const p = event.piece;
  const bpp = st.g.blocksPerPiece;
  const n = st.blocksIn(p);
  st.addCounter(C_HASH_FAILS, 1);
  st.addBytes(BYTES_WASTED, st.pieceSize(p));
  const senders = new Set<number>();
  for (let b = 0; b < n; b++) {
    const block = p * bpp + b;
    const from = st.blockFrom[block]!;
    senders.add(from);
    st.failKey[block] = st.pi(from, P_BAN_KEY);
    st.failCrc[block] = event.crcs?.[b] ?? 0;
    st.blockState[block] = FREE;
  }
  st.received[p] = 0;
  st.assigned[p] = 0;
  // Fetch it next time from one peer only, so the next failure (or success) points at one sender.
  st.single[p] = -1;
  if (senders.size === 1) {
    const [only] = senders;
    if (st.addPi(only!, P_STRIKES, 1) >= STRIKES_TO_BAN) banKey(st, st.pi(only!, P_BAN_KEY));
  }
}

export { FREE };
