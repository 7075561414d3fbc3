/**
 * BEP 10, the extension protocol, and BEP 9, ut_metadata over it: our extended handshake, reading the peer's,
 * and answering metadata requests from the info dictionary we have (we always start from a .torrent, so we
 * serve metadata but never need to fetch it).
 */

import bencode from 'bencode';
import { extendedMsg } from './wire.ts';
import { ProtocolError } from './framing.ts';

/** Our id for ut_metadata: the peer sends its ut_metadata messages to us with this extended id. */
export const OUR_UT_METADATA = 1;
/** Extended message id 0 is the handshake. */
export const EXT_HANDSHAKE = 0;
export const METADATA_PIECE = 16 * 1024;
/** Requests we accept queued per peer (the reqq we advertise). */
export const OUR_REQQ = 500;

export function extendedHandshake(metadataSize: number, port: number): Buffer {
  const payload = bencode.encode({
    m: { ut_metadata: OUR_UT_METADATA },
    metadata_size: metadataSize,
    reqq: OUR_REQQ,
    v: 'Flux BitTorrent 0.1',
    p: port,
  });
  return extendedMsg(EXT_HANDSHAKE, payload);
}

export interface PeerExtensions {
  readonly utMetadata: number;
  readonly reqq: number;
}

function decode(data: Uint8Array): any {
  try {
    return bencode.decode(data);
  } catch (error) {
    throw new ProtocolError(`extended message is not bencoded: ${(error as Error).message}`, 'BT_ERR_BAD_EXTENDED');
  }
}

export function parseExtendedHandshake(payload: Uint8Array): PeerExtensions {
  const d = decode(payload);
  if (d === null || typeof d !== 'object') throw new ProtocolError('extended handshake is not a dictionary', 'BT_ERR_BAD_EXTENDED');
  const m = d.m !== null && typeof d.m === 'object' ? d.m : {};
  const ut = typeof m.ut_metadata === 'number' && m.ut_metadata > 0 && m.ut_metadata < 256 ? m.ut_metadata : 0;
  const reqq = typeof d.reqq === 'number' && d.reqq > 0 ? Math.min(d.reqq, 100_000) : 0;
  return { utMetadata: ut, reqq };
}

/**
 * The answer to one ut_metadata message from a peer whose ut_metadata id is `peerId`: a data message for a
 * request of a piece we have, a reject for one out of range; nothing for data or reject messages (we never ask).
 */
export function answerMetadata(payload: Uint8Array, info: Buffer, peerId: number): Buffer | undefined {
  // The dictionary may be followed by raw data (in data messages): decode just the dictionary's prefix.
  const end = dictEnd(payload);
  const d = decode(payload.subarray(0, end));
  if (d === null || typeof d !== 'object' || typeof d.msg_type !== 'number') throw new ProtocolError('bad ut_metadata message', 'BT_ERR_BAD_EXTENDED');
  if (d.msg_type !== 0) return undefined;
  const piece = d.piece;
  const pieces = Math.ceil(info.length / METADATA_PIECE);
  if (typeof piece !== 'number' || !Number.isInteger(piece) || piece < 0 || piece >= pieces) {
    return extendedMsg(peerId, bencode.encode({ msg_type: 2, piece: typeof piece === 'number' ? piece : 0 }));
  }
  const head = bencode.encode({ msg_type: 1, piece, total_size: info.length });
  const chunk = info.subarray(piece * METADATA_PIECE, (piece + 1) * METADATA_PIECE);
  const body = Buffer.concat([head, chunk]);
  return extendedMsg(peerId, body);
}

/** Where the bencoded value at the start of `b` ends. */
function dictEnd(b: Uint8Array): number {
  let i = 0;
  let depth = 0;
  do {
    const c = b[i];
    if (c === undefined) throw new ProtocolError('truncated ut_metadata message', 'BT_ERR_BAD_EXTENDED');
    if (c === 0x64 || c === 0x6c) { depth++; i++; }          // d, l
    else if (c === 0x65) { depth--; i++; }                   // e
    else if (c === 0x69) { i = b.indexOf(0x65, i) + 1; if (i === 0) throw new ProtocolError('truncated integer', 'BT_ERR_BAD_EXTENDED'); }
    else if (c >= 0x30 && c <= 0x39) {
      const colon = b.indexOf(0x3a, i);
      if (colon < 0) throw new ProtocolError('truncated string', 'BT_ERR_BAD_EXTENDED');
      i = colon + 1 + Number(Buffer.from(b.subarray(i, colon)).toString('latin1'));
    } else throw new ProtocolError('bad bencoding', 'BT_ERR_BAD_EXTENDED');
  } while (depth > 0 && i < b.length);
  if (depth !== 0) throw new ProtocolError('truncated ut_metadata message', 'BT_ERR_BAD_EXTENDED');
  return i;
}
