/**
 * Splits a connection's bytes into messages: a 4-byte big-endian length, then that many bytes (an id and its
 * payload; length 0 is a keep-alive). A length over MAX_MESSAGE is an error before a byte of it is buffered.
 * A message that arrives whole inside one chunk is handed over as a view on that chunk (no copy); a message split
 * across chunks is copied once, piece by piece as its bytes come, into room carved from a slab (no per-message
 * allocation, no re-concatenation while it grows).
 */

import { MAX_MESSAGE, u32 } from './wire.ts';

export class ProtocolError extends Error {
  readonly code: string;
  constructor(message: string, code = 'BT_ERR_PROTOCOL') {
    super(message);
    this.code = code;
  }
}

export type OnMessage = (id: number, payload: Uint8Array) => void;

export class FrameReader {
  /** The id and payload of a message begun in an earlier chunk, and how much of it has come. */
  private held: Buffer | null = null;
  private heldBytes = 0;
  /** A length prefix split across chunks. */
  private readonly prefix = Buffer.alloc(4);
  private prefixBytes = 0;
  /** Where held messages are carved from; a message keeps its slab alive only as long as it lives itself. */
  private slab: Buffer = Buffer.alloc(0);
  private slabUsed = 0;
  private readonly onMessage: OnMessage;
  /** Messages handed over, keep-alives included. */
  messages = 0;

  constructor(onMessage: OnMessage) {
    this.onMessage = onMessage;
  }

  /** Feeds a chunk; throws ProtocolError on a length over the limit. */
  push(chunk: Buffer): void {
    const end = chunk.length;
    let at = 0;
    if (this.prefixBytes > 0) {
      const n = Math.min(4 - this.prefixBytes, end);
      chunk.copy(this.prefix, this.prefixBytes, 0, n);
      this.prefixBytes += n;
      at = n;
      if (this.prefixBytes < 4) return;
      this.prefixBytes = 0;
      this.hold(checked(u32(this.prefix, 0)));
    }
    if (this.held !== null) {
      const held = this.held;
      const n = Math.min(held.length - this.heldBytes, end - at);
      chunk.copy(held, this.heldBytes, at, at + n);
      this.heldBytes += n;
      at += n;
      if (this.heldBytes < held.length) return;
      this.held = null;
      this.messages++;
      this.onMessage(held[0]!, held.subarray(1));
    }
    while (end - at >= 4) {
      const length = checked(u32(chunk, at));
      if (end - at - 4 < length) break;
      this.messages++;
      if (length > 0) this.onMessage(chunk[at + 4]!, chunk.subarray(at + 5, at + 4 + length));
      at += 4 + length;
    }
    const rest = end - at;
    if (rest === 0) return;
    if (rest < 4) {
      chunk.copy(this.prefix, 0, at, end);
      this.prefixBytes = rest;
      return;
    }
    this.hold(u32(chunk, at));
    chunk.copy(this.held!, 0, at + 4, end);
    this.heldBytes = rest - 4;
  }

  /** Bytes held for an unfinished message. */
  get buffered(): number {
    return this.prefixBytes + (this.held === null ? 0 : 4 + this.heldBytes);
  }

  /** Makes room for a message of `length` bytes (id and payload); a keep-alive is counted at once. */
  private hold(length: number): void {
    if (length === 0) {
      this.messages++;
      return;
    }
    this.held = this.carve(length);
    this.heldBytes = 0;
  }

  private carve(n: number): Buffer {
    if (n > SLAB / 4) return Buffer.allocUnsafeSlow(n);
    if (this.slabUsed + n > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.slabUsed = 0;
    }
    const room = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += (n + 7) & ~7;
    return room;
  }
}

const SLAB = 256 * 1024;

function checked(length: number): number {
  if (length > MAX_MESSAGE) throw new ProtocolError(`message length ${length} is over the ${MAX_MESSAGE}-byte limit`, 'BT_ERR_TOO_LONG');
  return length;
}
