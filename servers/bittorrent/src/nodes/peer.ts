/** The nodes of a peer's life and of the messages that change what we know of it. */

import { peerContext } from '../context.ts';
import { extendedHandshake, OUR_UT_METADATA, answerMetadata, parseExtendedHandshake, EXT_HANDSHAKE } from '../protocol/extension.ts';
import { supportsExtended, supportsFast } from '../protocol/handshake.ts';
import * as W from '../protocol/wire.ts';
import { pickBlocks, release, releaseAll } from '../swarm/picker.ts';
import { countUnchoked } from '../swarm/choker.ts';
import { pipelineDepth, send } from '../swarm/peers.ts';
import {
  C_HAVE, C_PORT, F_LAST_BLOCK, P_AM_CHOKING, P_AM_INTERESTED, P_CONN, P_EXTENDED, P_FAST, P_HAS, P_INTERESTING, P_OPEN, P_OUTSTANDING,
  P_PEER_CHOKING, P_PEER_INTERESTED, P_REQQ, P_UT_METADATA,
} from '../state/swarm-state.ts';
import type { Msg, Peer } from '../types.ts';

type Out = [peer: Peer, msg: Msg];

/** The handshake is done: note what the peer supports, tell it what we have (and our extensions). */
export function PeerOpened(peer: Peer, msg: Msg): void {
  const { state: st, meta } = peerContext();
  const reserved = msg.data.subarray(0, 8);
  const fast = supportsFast(reserved);
  const extended = supportsExtended(reserved);
  st.setPi(peer.slot, P_FAST, fast ? 1 : 0);
  st.setPi(peer.slot, P_EXTENDED, extended ? 1 : 0);
  const parts: Buffer[] = [];
  if (extended) parts.push(extendedHandshake(meta.infoBuffer.length, st.counter(C_PORT)));
  const have = st.counter(C_HAVE);
  if (fast && have === st.g.numPieces) parts.push(W.haveAllMsg);
  else if (fast && have === 0) parts.push(W.haveNoneMsg);
  else if (have > 0) parts.push(W.bitfieldMsg(packBits(st.have)));
  st.setPi(peer.slot, P_OPEN, 1);
  st.setPf(peer.slot, F_LAST_BLOCK, Date.now());
  if (parts.length > 0) send(st, peer.slot, peer.conn, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
}

function packBits(have: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(have.length / 8));
  for (let p = 0; p < have.length; p++) if (have[p] === 1) bits[p >> 3]! |= 0x80 >> (p & 7);
  return bits;
}

/** The connection is gone: its requests go back to the picker, its pieces leave the availability counts. */
export function PeerClosed(peer: Peer, _msg: Msg): void {
  const { state: st } = peerContext();
  const s = peer.slot;
  releaseAll(st, s);
  const n = st.g.numPieces;
  const row = s * n;
  for (let p = 0; p < n; p++) if (st.peerHas[row + p] === 1) st.avail[p]!--;
  st.setPi(s, P_OPEN, 0);
  st.setPi(s, P_AM_CHOKING, 1);
  st.setPi(s, P_PEER_INTERESTED, 0);
  st.setPi(s, P_CONN, 0);
}

export function OnChoke(peer: Peer, _msg: Msg): void {
  const { state: st } = peerContext();
  st.setPi(peer.slot, P_PEER_CHOKING, 1);
  // Without the fast extension a choke drops every request; with it, the peer rejects each one itself (BEP 6).
  if (st.pi(peer.slot, P_FAST) === 0) releaseAll(st, peer.slot);
}

export function OnUnchoke(peer: Peer, msg: Msg): Out {
  const { state: st } = peerContext();
  st.setPi(peer.slot, P_PEER_CHOKING, 0);
  st.setPf(peer.slot, F_LAST_BLOCK, Date.now());
  return [peer, msg];
}

export function OnInterested(peer: Peer, _msg: Msg): void {
  const { state: st, options } = peerContext();
  st.setPi(peer.slot, P_PEER_INTERESTED, 1);
  // A free upload slot goes to the first who asks; the choker reconsiders every round.
  if (st.pi(peer.slot, P_AM_CHOKING) === 1 && countUnchoked(st) < options.uploadSlots) {
    st.setPi(peer.slot, P_AM_CHOKING, 0);
    send(st, peer.slot, peer.conn, W.unchokeMsg);
  }
}

export function OnNotInterested(peer: Peer, _msg: Msg): void {
  const { state: st } = peerContext();
  st.setPi(peer.slot, P_PEER_INTERESTED, 0);
  if (st.pi(peer.slot, P_AM_CHOKING) === 0) {
    st.setPi(peer.slot, P_AM_CHOKING, 1);
    send(st, peer.slot, peer.conn, W.chokeMsg);
  }
}

function addPiece(slot: number, p: number): void {
  const { state: st } = peerContext();
  const i = slot * st.g.numPieces + p;
  if (st.peerHas[i] === 1) return;
  st.peerHas[i] = 1;
  st.avail[p]!++;
  st.addPi(slot, P_HAS, 1);
  if (st.have[p] === 0) st.addPi(slot, P_INTERESTING, 1);
}

export function OnHave(peer: Peer, msg: Msg): Out {
  addPiece(peer.slot, W.u32(msg.data, 0));
  return [peer, msg];
}

/** bitfield, have all, have none. */
export function OnBitfield(peer: Peer, msg: Msg): Out {
  const { state: st } = peerContext();
  const n = st.g.numPieces;
  if (msg.id === W.HAVE_ALL) {
    for (let p = 0; p < n; p++) addPiece(peer.slot, p);
  } else if (msg.id === W.BITFIELD) {
    const bits = msg.data;
    for (let p = 0; p < n; p++) if ((bits[p >> 3]! & (0x80 >> (p & 7))) !== 0) addPiece(peer.slot, p);
  }
  return [peer, msg];
}

/** Tells the peer whether it has anything we lack. */
export function UpdateInterest(peer: Peer, msg: Msg): Out {
  const { state: st } = peerContext();
  const want = st.pi(peer.slot, P_INTERESTING) > 0;
  const am = st.pi(peer.slot, P_AM_INTERESTED) === 1;
  if (want !== am) {
    st.setPi(peer.slot, P_AM_INTERESTED, want ? 1 : 0);
    send(st, peer.slot, peer.conn, want ? W.interestedMsg : W.notInterestedMsg);
  }
  return [peer, msg];
}

/** Tops up the peer's pipeline of requests, if it has unchoked us and has something we want. */
export function requestMore(peer: Peer): void {
  const { state: st, options } = peerContext();
  const s = peer.slot;
  if (st.pi(s, P_PEER_CHOKING) === 1 || st.pi(s, P_AM_INTERESTED) === 0 || st.pi(s, P_OPEN) === 0) return;
  const outstanding = st.pi(s, P_OUTSTANDING);
  const depth = pipelineDepth(st, s, options.maxPipeline);
  const want = depth - outstanding;
  // Ask in batches (a quarter of the pipeline at a time, at least 8): a request message is 17 bytes, and on
  // loopback a write per few blocks would cost the sender more than the blocks themselves.
  if (want < (outstanding === 0 ? 1 : Math.max(8, depth >> 2))) return;
  const blocks = pickBlocks(st, s, want);
  if (blocks.length === 0) return;
  if (outstanding === 0) st.setPf(s, F_LAST_BLOCK, Date.now());
  const bpp = st.g.blocksPerPiece;
  const out = Buffer.allocUnsafe(17 * blocks.length);
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const piece = Math.floor(block / bpp);
    const b = block - piece * bpp;
    W.writeBlockMsg(out, i * 17, W.REQUEST, piece, b * W.BLOCK, st.blockSize(piece, b));
  }
  send(st, s, peer.conn, out);
}

export function RequestBlocks(peer: Peer, _msg: Msg): void {
  requestMore(peer);
}

export function OnReject(peer: Peer, msg: Msg): Out {
  const { state: st } = peerContext();
  const piece = W.u32(msg.data, 0);
  const begin = W.u32(msg.data, 4);
  release(st, peer.slot, piece * st.g.blocksPerPiece + Math.floor(begin / W.BLOCK));
  return [peer, msg];
}

export function OnExtended(peer: Peer, msg: Msg): void {
  const { state: st, meta } = peerContext();
  const ext = msg.data[0]!;
  const payload = msg.data.subarray(1);
  if (ext === EXT_HANDSHAKE) {
    const peerExt = parseExtendedHandshake(payload);
    st.setPi(peer.slot, P_UT_METADATA, peerExt.utMetadata);
    if (peerExt.reqq > 0) st.setPi(peer.slot, P_REQQ, peerExt.reqq);
  } else if (ext === OUR_UT_METADATA) {
    const theirs = st.pi(peer.slot, P_UT_METADATA);
    if (theirs === 0) return;
    const answer = answerMetadata(payload, meta.infoBuffer, theirs);
    if (answer !== undefined) send(st, peer.slot, peer.conn, answer);
  }
}
