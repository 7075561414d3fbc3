/**
 * The piece picker: which blocks to ask a peer for. Called under the `picker` lock.
 *
 * - A peer keeps filling one piece (P_CUR_PIECE) until every block of it is requested, so pieces finish soon
 *   and blocks of a piece tend to come from one peer.
 * - The next piece: one already started by someone else if the peer has it (finish before starting more), else
 *   the rarest among the peer's pieces (fewest connected peers have it), ties broken from a random place; until
 *   we have our first piece, a random one instead (any piece is worth trading as soon as possible).
 * - A piece that failed its hash is fetched again from one peer only (state.single), so that its next attempt
 *   tells which sender was wrong (see pieces.ts, smart ban).
 * - Endgame: once no block is free, blocks already requested from others are requested again (at most two
 *   requests per block); the first copy to arrive wins and the others are cancelled.
 */

import { BLOCK } from '../protocol/wire.ts';
import {
  C_ENDGAME, C_HAVE, FREE, P_CUR_PIECE, P_OUTSTANDING, RECEIVED, REQUESTED, type SwarmState,
} from '../state/swarm-state.ts';

/** Requests out per block at most in endgame. */
const ENDGAME_COPIES = 2;

/** Picks up to `want` blocks for `slot`, marks them requested from it, and returns their block numbers. */
export function pickBlocks(st: SwarmState, slot: number, want: number): number[] {
  const out: number[] = [];
  const bpp = st.g.blocksPerPiece;
  let cur = st.pi(slot, P_CUR_PIECE);
  // Each round either takes a block or moves to another piece; the bound only guards against a bad table.
  for (let rounds = 0; out.length < want && rounds < 64; rounds++) {
    if (cur >= 0 && st.single[cur] === -1) st.single[cur] = slot + 1;
    if (cur >= 0 && eligible(st, slot, cur)) {
      const n = st.blocksIn(cur);
      for (let b = 0; b < n && out.length < want; b++) {
        const block = cur * bpp + b;
        if (st.blockState[block] === FREE) {
          request(st, slot, block);
          if (st.assigned[cur]!++ === 0) st.claimPool(cur);
          out.push(block);
        }
      }
      if (out.length < want) cur = -1;
      continue;
    }
    cur = choosePiece(st, slot);
    if (cur < 0) break;
  }
  st.setPi(slot, P_CUR_PIECE, cur);
  if (out.length < want && cur < 0) endgame(st, slot, want - out.length, out);
  return out;
}

function request(st: SwarmState, slot: number, block: number): void {
  st.blockState[block] = REQUESTED;
  st.blockReqs[block]!++;
  st.setRequested(slot, block, true);
  st.addPi(slot, P_OUTSTANDING, 1);
}

function eligible(st: SwarmState, slot: number, p: number): boolean {
  if (st.have[p] !== 0 || !st.peerHasPiece(slot, p) || st.assigned[p]! >= st.blocksIn(p)) return false;
  const single = st.single[p]!;
  return single <= 0 || single === slot + 1;
}

function choosePiece(st: SwarmState, slot: number): number {
  const n = st.g.numPieces;
  const start = Math.floor(Math.random() * n);
  const first = st.counter(C_HAVE) === 0;
  let rarest = -1;
  let rarestAvail = Infinity;
  for (let i = 0; i < n; i++) {
    const p = start + i < n ? start + i : start + i - n;
    if (!eligible(st, slot, p)) continue;
    if (st.assigned[p]! > 0 || st.single[p] === slot + 1) return p;
    if (first && rarest < 0) {
      rarest = p;
      continue;
    }
    const a = st.avail[p]!;
    if (!first && a < rarestAvail) {
      rarest = p;
      rarestAvail = a;
    }
  }
  return rarest;
}

function endgame(st: SwarmState, slot: number, want: number, out: number[]): void {
  const bpp = st.g.blocksPerPiece;
  for (let p = 0; p < st.g.numPieces && want > 0; p++) {
    if (st.have[p] !== 0 || !st.peerHasPiece(slot, p) || st.assigned[p]! < st.blocksIn(p)) continue;
    if (st.single[p]! > 0 && st.single[p] !== slot + 1) continue;
    const n = st.blocksIn(p);
    for (let b = 0; b < n && want > 0; b++) {
      const block = p * bpp + b;
      if (st.blockState[block] !== REQUESTED || st.requested(slot, block) || st.blockReqs[block]! >= ENDGAME_COPIES) continue;
      if (st.counter(C_ENDGAME) === 0) st.addCounter(C_ENDGAME, 1);
      request(st, slot, block);
      out.push(block);
      want--;
    }
  }
}

/** Takes back our request of `block` from `slot` (answered, rejected, or lost to a choke or a close). */
export function release(st: SwarmState, slot: number, block: number): void {
  if (!st.requested(slot, block)) return;
  st.setRequested(slot, block, false);
  st.addPi(slot, P_OUTSTANDING, -1);
  if (st.blockReqs[block]! > 0) st.blockReqs[block]!--;
  if (st.blockState[block] === REQUESTED && st.blockReqs[block] === 0) {
    st.blockState[block] = FREE;
    st.assigned[Math.floor(block / st.g.blocksPerPiece)]!--;
  }
}

/** Takes back every request out to `slot`. */
export function releaseAll(st: SwarmState, slot: number): void {
  const row = slot * st.reqRowBytes;
  for (let i = 0; i < st.reqRowBytes; i++) {
    const bits = st.peerReq[row + i]!;
    if (bits === 0) continue;
    for (let k = 0; k < 8; k++) if ((bits & (1 << k)) !== 0) release(st, slot, i * 8 + k);
  }
  st.setPi(slot, P_OUTSTANDING, 0);
  st.setPi(slot, P_CUR_PIECE, -1);
}

/** The block's piece, offset and length; -1 when (piece, begin, length) is not one of our blocks. */
export function blockOf(st: SwarmState, piece: number, begin: number, length: number): number {
  if (piece >= st.g.numPieces || begin % BLOCK !== 0) return -1;
  const b = begin / BLOCK;
  if (b >= st.blocksIn(piece) || length !== st.blockSize(piece, b)) return -1;
  return piece * st.g.blocksPerPiece + b;
}

export { RECEIVED };
