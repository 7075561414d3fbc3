/**
 * The peer wire protocol's messages (BEP 3, BEP 6, BEP 10): ids, fixed payload lengths, and encoders that write
 * each message into one buffer (length prefix included), ready for one write.
 */

export const CHOKE = 0;
export const UNCHOKE = 1;
export const INTERESTED = 2;
export const NOT_INTERESTED = 3;
export const HAVE = 4;
export const BITFIELD = 5;
export const REQUEST = 6;
export const PIECE = 7;
export const CANCEL = 8;
export const PORT = 9;
// BEP 6, the fast extension.
export const SUGGEST = 0x0d;
export const HAVE_ALL = 0x0e;
export const HAVE_NONE = 0x0f;
export const REJECT = 0x10;
export const ALLOWED_FAST = 0x11;
// BEP 10, the extension protocol.
export const EXTENDED = 20;
// Not on the wire: what a source tells its flows about the connection itself.
export const OPEN = -1;
export const CLOSED = -2;

/** The largest message we accept (its length prefix): a piece message carries at most 16 KiB. */
export const MAX_MESSAGE = 1 << 20;
export const BLOCK = 16 * 1024;

/** Payload length (after the id) of each message with a fixed one; -1: variable. */
export function fixedLength(id: number): number {
  switch (id) {
    case CHOKE: case UNCHOKE: case INTERESTED: case NOT_INTERESTED: case HAVE_ALL: case HAVE_NONE: return 0;
    case HAVE: case SUGGEST: case ALLOWED_FAST: return 4;
    case REQUEST: case CANCEL: case REJECT: return 12;
    case PORT: return 2;
    default: return -1;
  }
}

export const NAMES: Readonly<Record<number, string>> = {
  [CHOKE]: 'choke', [UNCHOKE]: 'unchoke', [INTERESTED]: 'interested', [NOT_INTERESTED]: 'not interested',
  [HAVE]: 'have', [BITFIELD]: 'bitfield', [REQUEST]: 'request', [PIECE]: 'piece', [CANCEL]: 'cancel', [PORT]: 'port',
  [SUGGEST]: 'suggest', [HAVE_ALL]: 'have all', [HAVE_NONE]: 'have none', [REJECT]: 'reject', [ALLOWED_FAST]: 'allowed fast',
  [EXTENDED]: 'extended', [OPEN]: 'open', [CLOSED]: 'closed',
};

export function simple(id: number): Buffer {
  const b = Buffer.allocUnsafe(5);
  b.writeUInt32BE(1, 0);
  b[4] = id;
  return b;
}

export const KEEP_ALIVE = Buffer.alloc(4);
const SIMPLE = [CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED].map(simple);
export const chokeMsg = SIMPLE[CHOKE]!;
export const unchokeMsg = SIMPLE[UNCHOKE]!;
export const interestedMsg = SIMPLE[INTERESTED]!;
export const notInterestedMsg = SIMPLE[NOT_INTERESTED]!;
export const haveAllMsg = simple(HAVE_ALL);
export const haveNoneMsg = simple(HAVE_NONE);

export function haveMsg(piece: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeUInt32BE(5, 0);
  b[4] = HAVE;
  b.writeUInt32BE(piece, 5);
  return b;
}

/** request, cancel and reject share one layout: index, begin, length. */
export function blockMsg(id: number, piece: number, begin: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(17);
  writeBlockMsg(b, 0, id, piece, begin, length);
  return b;
}

export function writeBlockMsg(b: Buffer, at: number, id: number, piece: number, begin: number, length: number): void {
  b.writeUInt32BE(13, at);
  b[at + 4] = id;
  b.writeUInt32BE(piece, at + 5);
  b.writeUInt32BE(begin, at + 9);
  b.writeUInt32BE(length, at + 13);
}

export function bitfieldMsg(bits: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(5 + bits.length);
  b.writeUInt32BE(1 + bits.length, 0);
  b[4] = BITFIELD;
  b.set(bits, 5);
  return b;
}

/** A piece message's header, with room after it for `length` bytes of data (filled by the caller). */
export function pieceMsg(piece: number, begin: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(13 + length);
  b.writeUInt32BE(9 + length, 0);
  b[4] = PIECE;
  b.writeUInt32BE(piece, 5);
  b.writeUInt32BE(begin, 9);
  return b;
}

export function extendedMsg(extId: number, payload: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(6 + payload.length);
  b.writeUInt32BE(2 + payload.length, 0);
  b[4] = EXTENDED;
  b[5] = extId;
  b.set(payload, 6);
  return b;
}

export function u32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

const bufferCopy = Buffer.prototype.copy;

/**
 * Copies `source` into `target` at `at` with Buffer#copy (a native memmove), which works on any Uint8Array; a
 * typed array's `set` was about eight times slower for 16 KiB blocks on Node 26 (a shared target or not).
 */
export function copyInto(source: Uint8Array, target: Uint8Array, at: number): void {
  bufferCopy.call(source, target, at);
}
