/**
 * Pieces we serve, kept as wire images: each block's 13-byte piece-message header followed by its data, end to
 * end. A request for a whole block is answered with a view on the image (one write, no allocation, no copy),
 * and the piece is read from disk once, not once per block. A few recent pieces are kept per thread: peers ask
 * for a piece's blocks together, and several peers tend to want the same pieces.
 */

import { BLOCK, PIECE } from '../protocol/wire.ts';
import type { Storage } from './storage.ts';

const HEADER = 13;
const STRIDE = HEADER + BLOCK;
/** Pieces kept: enough for a few peers each working through a piece or two. */
const KEEP = 16;

export class ServedPieces {
  private readonly storage: Storage;
  /** Insertion order is recency (a hit moves a piece to the end). */
  private readonly images = new Map<number, Buffer>();

  /**
   * Images in shared memory, for runtimes whose nodes write from a worker to a socket on the main thread: a
   * forwarded write passes a view on shared memory by reference (any other view is copied), and an image never
   * changes once built. Elsewhere plain memory (allocating shared memory cost the `event` seeder more).
   */
  private readonly shared: boolean;

  constructor(storage: Storage, shared: boolean) {
    this.storage = storage;
    this.shared = shared;
  }

  /**
   * The piece message for a block-aligned request (begin a multiple of 16 KiB, length the block's size), as a
   * view on the piece's image; undefined for any other shape (the caller builds that message itself). Only for
   * pieces that are verified on disk: an image is never updated.
   */
  blockMessage(piece: number, begin: number, length: number): Buffer | undefined {
    if (begin % BLOCK !== 0) return undefined;
    const size = this.storage.pieceSize(piece);
    const b = begin / BLOCK;
    if (length !== Math.min(BLOCK, size - begin)) return undefined;
    const image = this.image(piece, size);
    const at = b * STRIDE;
    return image.subarray(at, at + HEADER + length);
  }

  private image(piece: number, size: number): Buffer {
    let image = this.images.get(piece);
    if (image !== undefined) {
      this.images.delete(piece);
      this.images.set(piece, image);
      return image;
    }
    const blocks = Math.ceil(size / BLOCK);
    image = this.shared ? Buffer.from(new SharedArrayBuffer(blocks * HEADER + size)) : Buffer.allocUnsafeSlow(blocks * HEADER + size);
    for (let b = 0; b < blocks; b++) {
      const at = b * STRIDE;
      const length = Math.min(BLOCK, size - b * BLOCK);
      image.writeUInt32BE(9 + length, at);
      image[at + 4] = PIECE;
      image.writeUInt32BE(piece, at + 5);
      image.writeUInt32BE(b * BLOCK, at + 9);
      this.storage.read(piece, b * BLOCK, image, at + HEADER, length);
    }
    if (this.images.size >= KEEP) this.images.delete(this.images.keys().next().value!);
    this.images.set(piece, image);
    return image;
  }
}
