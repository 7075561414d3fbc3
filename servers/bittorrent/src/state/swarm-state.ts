/**
 * Everything the peer knows that more than one flow touches, in shared memory, so that it is one state on every
 * thread of every runtime. Each table is guarded by a lock of bittorrent.flux (named below); counters that
 * several locks' holders bump are updated with Atomics.
 *
 * Blocks are numbered piece * blocksPerPiece + block (the last piece has fewer: the tail of its range is unused).
 */

import type { Metainfo } from '../metainfo/metainfo.ts';
import { BLOCK } from '../protocol/wire.ts';

/** Connections at once (the peer table's rows). */
export const MAX_PEERS = 64;

// Block states (picker lock).
export const FREE = 0;
export const REQUESTED = 1;
export const RECEIVED = 2;

// Per-peer Int32 fields.
export const P_CONN = 0; // connection id, 0: row free
export const P_ROW = 1; // the connection's write-window row
export const P_AM_CHOKING = 2; // slots lock
export const P_AM_INTERESTED = 3; // conn(session) lock
export const P_PEER_CHOKING = 4; // conn(session)
export const P_PEER_INTERESTED = 5; // slots
export const P_FAST = 6;
export const P_EXTENDED = 7;
export const P_OUTSTANDING = 8; // picker: our requests to it not yet answered
export const P_REQQ = 9; // its request queue limit (BEP 10 reqq)
export const P_UT_METADATA = 10; // its ut_metadata extension id, 0: none
export const P_INTERESTING = 11; // pieces lock: pieces it has that we lack
export const P_HAS = 12; // pieces lock: pieces it has
export const P_CUR_PIECE = 13; // picker: the piece it is filling, -1 none
export const P_STRIKES = 14; // picker: failed pieces it alone sent
export const P_BAN_KEY = 15; // hash of what identifies it for a ban
export const P_OPTIMISTIC = 16; // slots: the optimistic unchoke
export const P_OPEN = 17; // its 'open' message ran
const I_FIELDS = 18;

// Per-peer Float64 fields.
export const F_LAST_RECV = 0; // ms, written by its source
export const F_LAST_BLOCK = 1; // ms of the last block from it (or of our first request)
export const F_RATE_DOWN = 2; // bytes/s from it, smoothed
export const F_RATE_UP = 3; // bytes/s to it, smoothed
export const F_WINDOW_START = 4;
export const F_WINDOW_DOWN = 5;
export const F_WINDOW_UP = 6;
export const F_DOWN_TOTAL = 7;
export const F_UP_TOTAL = 8;
export const F_LAST_SENT = 9;
const F_FIELDS = 10;

// Counters (Int32, Atomics).
export const C_HAVE = 0; // pieces verified
export const C_HASH_FAILS = 1;
export const C_BANS = 2;
export const C_ENDGAME = 3;
export const C_BANNED_COUNT = 4;
export const C_CANDIDATES = 5; // tracker candidates in the table
export const C_CANDIDATE_GEN = 6; // bumped when the table changes
export const C_PEERS = 7; // rows in use
export const C_INTERVAL = 8; // the tracker's announce interval, seconds
export const C_PORT = 9; // the port Listen got
const COUNTERS = 16;
export const MAX_BANNED = 256;
export const MAX_CANDIDATES = 256;

export interface Geometry {
  readonly numPieces: number;
  readonly pieceLength: number;
  readonly lastPieceLength: number;
  readonly length: number;
  readonly blocksPerPiece: number;
  readonly numBlocks: number;
}

export function geometryOf(meta: Metainfo): Geometry {
  const blocksPerPiece = Math.ceil(meta.pieceLength / BLOCK);
  return {
    numPieces: meta.numPieces,
    pieceLength: meta.pieceLength,
    lastPieceLength: meta.lastPieceLength,
    length: meta.length,
    blocksPerPiece,
    numBlocks: meta.numPieces * blocksPerPiece,
  };
}

interface Region { readonly name: string; readonly bytes: number }

function regions(g: Geometry): Region[] {
  const n = g.numPieces;
  const b = g.numBlocks;
  return [
    { name: 'counters', bytes: COUNTERS * 4 },
    { name: 'bytes', bytes: 4 * 8 },
    { name: 'peerId', bytes: 20 },
    { name: 'banned', bytes: MAX_BANNED * 4 },
    { name: 'candidates', bytes: MAX_CANDIDATES * 2 * 4 },
    { name: 'have', bytes: n },
    { name: 'avail', bytes: n * 4 },
    { name: 'assigned', bytes: n * 4 },
    { name: 'received', bytes: n * 4 },
    { name: 'single', bytes: n * 4 },
    { name: 'blockState', bytes: b },
    { name: 'blockReqs', bytes: b },
    { name: 'blockFrom', bytes: b },
    { name: 'failKey', bytes: b * 4 },
    { name: 'failCrc', bytes: b * 4 },
    { name: 'peerI32', bytes: MAX_PEERS * I_FIELDS * 4 },
    { name: 'peerF64', bytes: MAX_PEERS * F_FIELDS * 8 },
    { name: 'peerHas', bytes: MAX_PEERS * n },
    { name: 'peerReq', bytes: MAX_PEERS * Math.ceil(b / 8) },
    { name: 'pieceSlot', bytes: n * 4 },
    { name: 'poolUsed', bytes: poolSize(g) * 4 },
    { name: 'pool', bytes: poolSize(g) * g.pieceLength },
  ];
}

/** Bytes of pieces being downloaded that are kept in memory until they verify (then written in one go). */
const POOL_BYTES = 64 * 1024 * 1024;

export function poolSize(g: Geometry): number {
  return Math.min(g.numPieces, Math.max(4, Math.min(256, Math.floor(POOL_BYTES / g.pieceLength))));
}

const align8 = (x: number): number => (x + 7) & ~7;

export function stateByteLength(g: Geometry): number {
  return regions(g).reduce((sum, r) => sum + align8(r.bytes), 0);
}

export class SwarmState {
  readonly g: Geometry;
  readonly counters: Int32Array;
  /** downloaded (verified), uploaded, wasted (failed hash, duplicates), received (raw) bytes. */
  readonly bytes: BigInt64Array;
  readonly banned: Int32Array;
  /** Ours, the same on every thread (main makes it). */
  readonly peerId: Uint8Array;
  /** IPv4 as an unsigned int, port; MAX_CANDIDATES pairs (candidates lock). */
  readonly candidates: Int32Array;
  /** 1 once the piece is verified (pieces lock). */
  readonly have: Uint8Array;
  /** Connected peers that have the piece (pieces lock). */
  readonly avail: Int32Array;
  /** Blocks of the piece not FREE (picker). */
  readonly assigned: Int32Array;
  /** Blocks of the piece RECEIVED (picker). */
  readonly received: Int32Array;
  /** After a hash failure: the piece is fetched from one peer at a time; value = that peer's row + 1 (picker). */
  readonly single: Int32Array;
  readonly blockState: Uint8Array;
  /** Requests out for the block (more than one only in endgame). */
  readonly blockReqs: Uint8Array;
  /** Row of the peer that delivered the block. */
  readonly blockFrom: Uint8Array;
  /** A failed attempt at the block: who sent it (ban key) and its CRC-32 (smart ban). */
  readonly failKey: Int32Array;
  readonly failCrc: Int32Array;
  readonly peerI32: Int32Array;
  readonly peerF64: Float64Array;
  /** Row-major: a row per peer, a byte per piece (1: it has it). */
  readonly peerHas: Uint8Array;
  /** Row-major: a row per peer, a bit per block (1: we asked it for the block). */
  readonly peerReq: Uint8Array;
  readonly reqRowBytes: number;
  /** The pool buffer holding a piece being downloaded, + 1; 0: none (its blocks go straight to disk). */
  readonly pieceSlot: Int32Array;
  readonly poolUsed: Int32Array;
  readonly pool: Uint8Array;

  constructor(g: Geometry, buffer: SharedArrayBuffer) {
    this.g = g;
    let at = 0;
    const next = (bytes: number): number => {
      const start = at;
      at += align8(bytes);
      return start;
    };
    const r = regions(g);
    const sizes = new Map(r.map((x) => [x.name, x.bytes]));
    const size = (name: string): number => sizes.get(name)!;
    this.counters = new Int32Array(buffer, next(size('counters')), COUNTERS);
    this.bytes = new BigInt64Array(buffer, next(size('bytes')), 4);
    this.peerId = new Uint8Array(buffer, next(size('peerId')), 20);
    this.banned = new Int32Array(buffer, next(size('banned')), MAX_BANNED);
    this.candidates = new Int32Array(buffer, next(size('candidates')), MAX_CANDIDATES * 2);
    this.have = new Uint8Array(buffer, next(size('have')), g.numPieces);
    this.avail = new Int32Array(buffer, next(size('avail')), g.numPieces);
    this.assigned = new Int32Array(buffer, next(size('assigned')), g.numPieces);
    this.received = new Int32Array(buffer, next(size('received')), g.numPieces);
    this.single = new Int32Array(buffer, next(size('single')), g.numPieces);
    this.blockState = new Uint8Array(buffer, next(size('blockState')), g.numBlocks);
    this.blockReqs = new Uint8Array(buffer, next(size('blockReqs')), g.numBlocks);
    this.blockFrom = new Uint8Array(buffer, next(size('blockFrom')), g.numBlocks);
    this.failKey = new Int32Array(buffer, next(size('failKey')), g.numBlocks);
    this.failCrc = new Int32Array(buffer, next(size('failCrc')), g.numBlocks);
    this.peerI32 = new Int32Array(buffer, next(size('peerI32')), MAX_PEERS * I_FIELDS);
    this.peerF64 = new Float64Array(buffer, next(size('peerF64')), MAX_PEERS * F_FIELDS);
    this.peerHas = new Uint8Array(buffer, next(size('peerHas')), MAX_PEERS * g.numPieces);
    this.reqRowBytes = Math.ceil(g.numBlocks / 8);
    this.peerReq = new Uint8Array(buffer, next(size('peerReq')), MAX_PEERS * this.reqRowBytes);
    this.pieceSlot = new Int32Array(buffer, next(size('pieceSlot')), g.numPieces);
    this.poolUsed = new Int32Array(buffer, next(size('poolUsed')), poolSize(g));
    this.pool = new Uint8Array(buffer, next(size('pool')), poolSize(g) * g.pieceLength);
  }

  // Per-peer fields.
  fieldIndex(slot: number, field: number): number {
    return slot * I_FIELDS + field;
  }
  pi(slot: number, field: number): number {
    return Atomics.load(this.peerI32, slot * I_FIELDS + field);
  }
  setPi(slot: number, field: number, value: number): void {
    Atomics.store(this.peerI32, slot * I_FIELDS + field, value);
  }
  addPi(slot: number, field: number, delta: number): number {
    return Atomics.add(this.peerI32, slot * I_FIELDS + field, delta) + delta;
  }
  pf(slot: number, field: number): number {
    return this.peerF64[slot * F_FIELDS + field]!;
  }
  setPf(slot: number, field: number, value: number): void {
    this.peerF64[slot * F_FIELDS + field] = value;
  }
  /** Zeroes a peer's row (its source calls this before the row's first flow). */
  clearPeer(slot: number): void {
    // Every field but the connection, which holds the row (see sources/slots.ts).
    this.peerI32.fill(0, slot * I_FIELDS + 1, (slot + 1) * I_FIELDS);
    this.peerF64.fill(0, slot * F_FIELDS, (slot + 1) * F_FIELDS);
    this.peerHas.fill(0, slot * this.g.numPieces, (slot + 1) * this.g.numPieces);
    this.peerReq.fill(0, slot * this.reqRowBytes, (slot + 1) * this.reqRowBytes);
    this.setPi(slot, P_CUR_PIECE, -1);
    this.setPi(slot, P_AM_CHOKING, 1);
    this.setPi(slot, P_PEER_CHOKING, 1);
  }

  peerHasPiece(slot: number, piece: number): boolean {
    return this.peerHas[slot * this.g.numPieces + piece] === 1;
  }

  requested(slot: number, block: number): boolean {
    return (this.peerReq[slot * this.reqRowBytes + (block >> 3)]! & (1 << (block & 7))) !== 0;
  }
  setRequested(slot: number, block: number, on: boolean): void {
    const i = slot * this.reqRowBytes + (block >> 3);
    if (on) this.peerReq[i]! |= 1 << (block & 7);
    else this.peerReq[i]! &= ~(1 << (block & 7));
  }

  /** Gives the piece a pool buffer if one is free (picker lock). */
  claimPool(piece: number): void {
    if (this.pieceSlot[piece] !== 0) return;
    for (let i = 0; i < this.poolUsed.length; i++) {
      if (Atomics.compareExchange(this.poolUsed, i, 0, piece + 1) === 0) {
        Atomics.store(this.pieceSlot, piece, i + 1);
        return;
      }
    }
  }
  /** The piece's pool buffer, or undefined when its blocks go to disk. */
  poolOf(piece: number): Uint8Array | undefined {
    const i = Atomics.load(this.pieceSlot, piece);
    if (i === 0) return undefined;
    const at = (i - 1) * this.g.pieceLength;
    return this.pool.subarray(at, at + this.pieceSize(piece));
  }
  releasePool(piece: number): void {
    const i = Atomics.exchange(this.pieceSlot, piece, 0);
    if (i !== 0) Atomics.store(this.poolUsed, i - 1, 0);
  }

  counter(which: number): number {
    return Atomics.load(this.counters, which);
  }
  addCounter(which: number, delta: number): number {
    return Atomics.add(this.counters, which, delta) + delta;
  }
  addBytes(which: number, n: number): void {
    Atomics.add(this.bytes, which, BigInt(n));
  }
  bytesOf(which: number): number {
    return Number(Atomics.load(this.bytes, which));
  }

  pieceSize(piece: number): number {
    return piece === this.g.numPieces - 1 ? this.g.lastPieceLength : this.g.pieceLength;
  }
  blocksIn(piece: number): number {
    return Math.ceil(this.pieceSize(piece) / BLOCK);
  }
  blockSize(piece: number, b: number): number {
    return Math.min(BLOCK, this.pieceSize(piece) - b * BLOCK);
  }

  complete(): boolean {
    return this.counter(C_HAVE) === this.g.numPieces;
  }

  isBanned(key: number): boolean {
    const n = Math.min(this.counter(C_BANNED_COUNT), MAX_BANNED);
    for (let i = 0; i < n; i++) if (Atomics.load(this.banned, i) === key) return true;
    return false;
  }
  ban(key: number): void {
    if (key === 0 || this.isBanned(key)) return;
    const i = this.addCounter(C_BANNED_COUNT, 1) - 1;
    Atomics.store(this.banned, i % MAX_BANNED, key);
    this.addCounter(C_BANS, 1);
  }
}

export const BYTES_DOWNLOADED = 0;
export const BYTES_UPLOADED = 1;
export const BYTES_WASTED = 2;
export const BYTES_RECEIVED = 3;

/** A 32-bit FNV-1a hash, never 0 (0 means "nobody" in the tables). */
export function banKeyOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h;
}
