/**
 * Where everything of a ByteCache lives inside its one SharedArrayBuffer. Every thread computes the same
 * layout from the same options, so a view built on any thread agrees with the others.
 *
 *   header     HEADER_WORDS Int32 words: identity, layout check, free lists, clock hand, counters
 *   buckets    Int32 per bucket: (slot + 1) of the first entry of the hash chain, 0 when empty
 *   entries    ENTRY_WORDS Int32 per entry slot (fields E_*)
 *   numbers    2 Float64 per entry slot: the source's mtime (ms) and size (bytes)
 *   checked    1 BigInt64 per entry slot: when the entry was last confirmed fresh (ms since the epoch)
 *   links      Int32 per block: the next block of the chain, -1 at the end
 *   data       blockSize bytes per block: key bytes, then tag bytes, then the body, across the chain
 */

import { StateError, stateCodes } from './errors.ts';

export const MAGIC = 0x46584243; // "FXBC"

// Header words.
export const H_MAGIC = 0;
/** 0 = never initialised, 1 = being initialised, 2 = ready. */
export const H_STATE = 1;
/** Non-zero while a writer is changing the structure; found set by the next writer = that writer died: reset. */
export const H_WRITING = 2;
export const H_HAND = 3;
export const H_FREE_BLOCK = 4;
export const H_FREE_BLOCKS = 5;
export const H_LIVE = 6;
export const H_FREE_ENTRY = 7;
export const H_BLOCK_SIZE = 8;
export const H_BLOCKS = 9;
export const H_ENTRIES = 10;
export const H_BUCKETS = 11;
export const H_MAX_ENTRY = 12;
export const H_LIVE_BYTES = 13;
export const H_HITS = 14;
export const H_MISSES = 15;
export const H_STORES = 16;
export const H_EVICTIONS = 17;
export const H_RESETS = 18;
export const H_REJECTED = 19;
export const HEADER_WORDS = 32;

// Entry words.
export const E_STATE = 0; // 0 free, 1 live
export const E_HASH = 1;
export const E_HASH_NEXT = 2; // (slot + 1) of the next entry in the bucket chain, 0 at the end
export const E_KEY_LEN = 3;
export const E_TAG_LEN = 4;
export const E_BODY_LEN = 5;
export const E_FIRST = 6; // first block, -1 when the chain is empty
export const E_BLOCKS = 7;
export const E_REF = 8; // CLOCK reference bit
export const E_NEXT_FREE = 9; // next free slot, -1 at the end (free slots only)
export const ENTRY_WORDS = 10;

export interface ByteCacheOptions {
  /** Bytes of body storage (rounded up to whole blocks). Keys and tags share it. */
  readonly capacityBytes: number;
  /** Storage granule. Small blocks waste less on small bodies; a body is copied out one run of blocks at a time. */
  readonly blockSize?: number;
  /** Entry slots; defaults to one per 2 KiB of capacity (at least 16). */
  readonly maxEntries?: number;
  /** Largest body accepted; defaults to an eighth of the capacity, at most 1 MiB. */
  readonly maxEntryBytes?: number;
}

export interface ByteCacheLayout {
  readonly blockSize: number;
  readonly blocks: number;
  readonly entries: number;
  readonly buckets: number;
  readonly maxEntryBytes: number;
  readonly bucketsOffset: number;
  readonly entriesOffset: number;
  readonly numbersOffset: number;
  readonly checkedOffset: number;
  readonly linksOffset: number;
  readonly dataOffset: number;
  readonly byteLength: number;
}

export const DEFAULT_BLOCK_SIZE = 1024;

function positiveInteger(name: string, value: number, max = 2 ** 31 - 1): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new StateError(stateCodes.BAD_OPTIONS, `byte cache: ${name} must be an integer in 1..${max}, got ${value}`);
  }
  return value;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

export function computeLayout(options: ByteCacheOptions): ByteCacheLayout {
  const blockSize = positiveInteger('blockSize', options.blockSize ?? DEFAULT_BLOCK_SIZE, 1 << 20);
  // Counters are Int32 words: keep the body bytes they count under 2 GiB.
  const capacity = positiveInteger('capacityBytes', options.capacityBytes);
  const blocks = positiveInteger('block count', Math.ceil(capacity / blockSize));
  const entries = positiveInteger('maxEntries', options.maxEntries ?? Math.max(16, Math.ceil(capacity / 2048)), 1 << 24);
  const maxEntryBytes = positiveInteger('maxEntryBytes', options.maxEntryBytes ?? Math.min(Math.floor(capacity / 8) || 1, 1 << 20));
  let buckets = 1;
  while (buckets < entries * 2) buckets *= 2;

  const bucketsOffset = HEADER_WORDS * 4;
  const entriesOffset = bucketsOffset + buckets * 4;
  const numbersOffset = align8(entriesOffset + entries * ENTRY_WORDS * 4);
  const checkedOffset = numbersOffset + entries * 2 * 8;
  const linksOffset = checkedOffset + entries * 8;
  const dataOffset = align8(linksOffset + blocks * 4);
  const byteLength = dataOffset + blocks * blockSize;
  return {
    blockSize, blocks, entries, buckets, maxEntryBytes,
    bucketsOffset, entriesOffset, numbersOffset, checkedOffset, linksOffset, dataOffset, byteLength,
  };
}
