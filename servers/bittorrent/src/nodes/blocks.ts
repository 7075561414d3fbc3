/** Blocks: serving a request, taking in a piece message, keeping the pipeline full. */

import { peerContext } from '../context.ts';
import { ProtocolError } from '../protocol/framing.ts';
import * as W from '../protocol/wire.ts';
import { blockOf, release } from '../swarm/picker.ts';
import { connOf, countBytes, send } from '../swarm/peers.ts';
import {
  BYTES_RECEIVED, BYTES_UPLOADED, BYTES_WASTED, F_LAST_BLOCK, MAX_PEERS, P_AM_CHOKING, P_FAST, RECEIVED,
} from '../state/swarm-state.ts';
import type { Msg, Peer, PieceEvent } from '../types.ts';
import { requestMore } from './peer.ts';

type Out = [peer: Peer, event: PieceEvent];

/** A request: answered with a view on the piece's cached wire image, one write. */
export function ServeBlock(peer: Peer, msg: Msg): void {
  const { state: st, storage, served } = peerContext();
  const d = msg.data;
  const piece = W.u32(d, 0);
  const begin = W.u32(d, 4);
  const length = W.u32(d, 8);
  if (st.pi(peer.slot, P_AM_CHOKING) === 1 || st.have[piece] !== 1) {
    // A choked peer's request, or one for a piece we lack: rejected with the fast extension, else dropped.
    if (st.pi(peer.slot, P_FAST) === 1) send(st, peer.slot, peer.conn, W.blockMsg(W.REJECT, piece, begin, length));
    return;
  }
  let out = served.blockMessage(piece, begin, length);
  if (out === undefined) {
    // Not a whole aligned block (webtorrent and we never ask that way): built for this request alone.
    out = W.pieceMsg(piece, begin, length);
    storage.read(piece, begin, out, 13, length);
  }
  send(st, peer.slot, peer.conn, out);
  st.addBytes(BYTES_UPLOADED, length);
  countBytes(st, peer.slot, 0, length);
}

const NOT_COMPLETE = (piece: number): PieceEvent => ({ piece, complete: false, good: false });

/**
 * A piece message: stored if it answers a request of ours and the block is still missing; an endgame
 * duplicate is dropped (the copies still out elsewhere are cancelled); an unsolicited block closes the peer.
 */
export function ReceiveBlock(peer: Peer, msg: Msg): Out {
  const { state: st, storage } = peerContext();
  const d = msg.data;
  const piece = W.u32(d, 0);
  const begin = W.u32(d, 4);
  const data = d.subarray(8);
  const s = peer.slot;
  const block = blockOf(st, piece, begin, data.length);
  if (block < 0 || !st.requested(s, block)) {
    throw new ProtocolError(`piece: block ${piece}:${begin} (+${data.length}) was not requested from this peer`, 'BT_ERR_UNSOLICITED');
  }
  const now = Date.now();
  st.setPf(s, F_LAST_BLOCK, now);
  countBytes(st, s, data.length, 0, now);
  st.addBytes(BYTES_RECEIVED, data.length);
  if (st.blockState[block] === RECEIVED || st.have[piece] === 1) {
    release(st, s, block);
    st.addBytes(BYTES_WASTED, data.length);
    return [peer, NOT_COMPLETE(piece)];
  }
  const pool = st.poolOf(piece);
  if (pool !== undefined) W.copyInto(data, pool, begin);
  else storage.write(piece, begin, data);
  st.blockState[block] = RECEIVED;
  st.blockFrom[block] = s;
  release(st, s, block);
  // Endgame: someone else may have this block asked for too; tell them not to bother.
  if (st.blockReqs[block]! > 0) {
    for (let other = 0; other < MAX_PEERS; other++) {
      if (other === s || !st.requested(other, block)) continue;
      const conn = connOf(st, other);
      if (conn !== undefined) send(st, other, conn, W.blockMsg(W.CANCEL, piece, begin, data.length));
    }
  }
  const received = ++st.received[piece]!;
  return [peer, { piece, complete: received === st.blocksIn(piece), good: false }];
}

export function Refill(peer: Peer, event: PieceEvent): Out {
  requestMore(peer);
  return [peer, event];
}

export function PieceDone(_peer: Peer, _event: PieceEvent): void {}

export const IsPieceComplete = (e: PieceEvent): boolean => e.complete;
export const IsPieceGood = (e: PieceEvent): boolean => e.good;
