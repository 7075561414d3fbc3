/** CheckMessage (the protocol's limits on each message), the dispatch predicates, Ignore and DropPeer. */

import { io } from '@flux/runtime/io/index.ts';
import { peerContext } from '../context.ts';
import { ProtocolError } from '../protocol/framing.ts';
import * as W from '../protocol/wire.ts';
import type { Msg, Peer } from '../types.ts';

type Out = [peer: Peer, msg: Msg];

function fail(msg: Msg, why: string, code = 'BT_ERR_PROTOCOL'): never {
  throw new ProtocolError(`${W.NAMES[msg.id] ?? `message ${msg.id}`}: ${why}`, code);
}

/** A (piece, begin, length) inside the torrent and at most one block long. */
function checkRange(msg: Msg, what: 'request' | 'piece'): void {
  const { state } = peerContext();
  const d = msg.data;
  const piece = W.u32(d, 0);
  const begin = W.u32(d, 4);
  const length = what === 'piece' ? d.length - 8 : W.u32(d, 8);
  if (piece >= state.g.numPieces) fail(msg, `piece ${piece} is out of range (${state.g.numPieces} pieces)`, 'BT_ERR_OUT_OF_RANGE');
  if (length <= 0 || length > W.BLOCK) fail(msg, `length ${length} is not within 1..${W.BLOCK}`, 'BT_ERR_OUT_OF_RANGE');
  if (begin + length > state.pieceSize(piece)) fail(msg, `bytes ${begin}..${begin + length} are past the end of piece ${piece}`, 'BT_ERR_OUT_OF_RANGE');
}

export function CheckMessage(peer: Peer, msg: Msg): Out {
  const id = msg.id;
  if (id < 0) return [peer, msg];
  const fixed = W.fixedLength(id);
  if (fixed >= 0 && msg.data.length !== fixed) fail(msg, `payload of ${msg.data.length} bytes, expected ${fixed}`, 'BT_ERR_BAD_LENGTH');
  const { state } = peerContext();
  switch (id) {
    case W.HAVE:
    case W.SUGGEST:
    case W.ALLOWED_FAST:
      if (W.u32(msg.data, 0) >= state.g.numPieces) fail(msg, `piece ${W.u32(msg.data, 0)} is out of range`, 'BT_ERR_OUT_OF_RANGE');
      break;
    case W.BITFIELD: {
      const n = state.g.numPieces;
      const bytes = Math.ceil(n / 8);
      if (msg.data.length !== bytes) fail(msg, `${msg.data.length} bytes for ${n} pieces, expected ${bytes}`, 'BT_ERR_BAD_BITFIELD');
      const spare = bytes * 8 - n;
      if (spare > 0 && (msg.data[bytes - 1]! & ((1 << spare) - 1)) !== 0) fail(msg, 'spare bits set', 'BT_ERR_BAD_BITFIELD');
      break;
    }
    case W.REQUEST:
    case W.CANCEL:
    case W.REJECT:
      checkRange(msg, 'request');
      break;
    case W.PIECE:
      if (msg.data.length < 8) fail(msg, 'shorter than its header', 'BT_ERR_BAD_LENGTH');
      checkRange(msg, 'piece');
      break;
    case W.EXTENDED:
      if (msg.data.length < 1) fail(msg, 'no extended id', 'BT_ERR_BAD_LENGTH');
      break;
  }
  return [peer, msg];
}

export const IsOpen = (m: Msg): boolean => m.id === W.OPEN;
export const IsClosed = (m: Msg): boolean => m.id === W.CLOSED;
export const IsChoke = (m: Msg): boolean => m.id === W.CHOKE;
export const IsUnchoke = (m: Msg): boolean => m.id === W.UNCHOKE;
export const IsInterested = (m: Msg): boolean => m.id === W.INTERESTED;
export const IsNotInterested = (m: Msg): boolean => m.id === W.NOT_INTERESTED;
export const IsHave = (m: Msg): boolean => m.id === W.HAVE;
export const IsBitfield = (m: Msg): boolean => m.id === W.BITFIELD;
export const IsHaveAll = (m: Msg): boolean => m.id === W.HAVE_ALL;
export const IsHaveNone = (m: Msg): boolean => m.id === W.HAVE_NONE;
export const IsRequest = (m: Msg): boolean => m.id === W.REQUEST;
export const IsCancel = (m: Msg): boolean => m.id === W.CANCEL;
export const IsPiece = (m: Msg): boolean => m.id === W.PIECE;
export const IsReject = (m: Msg): boolean => m.id === W.REJECT;
export const IsExtended = (m: Msg): boolean => m.id === W.EXTENDED;

/** port, suggest, allowed fast, cancel (we answer requests at once, so there is nothing to cancel), unknown ids. */
export function Ignore(_peer: Peer, _msg: Msg): void {}

/** A message broke the protocol: close that peer (its source then sends its CLOSED message). */
export function DropPeer(error: unknown, peer: Peer, msg: Msg): void {
  io.destroy(peer.conn);
  if (process.env['BT_DEBUG']) process.stderr.write(`bittorrent: closed ${peer.conn.remoteAddress}:${peer.conn.remotePort} after ${W.NAMES[msg.id] ?? msg.id}: ${(error as Error).message}\n`);
}
