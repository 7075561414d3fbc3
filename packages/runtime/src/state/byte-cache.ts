/**
 * A byte cache in one SharedArrayBuffer: string key -> body bytes plus a small description of where the body
 * came from (a tag string, the source's mtime and size), bounded in bytes, CLOCK eviction. Every thread builds
 * its own ByteCache over the same buffer and they all see one cache.
 *
 * Concurrency contract (the Flux locks provide it): `store`, `delete` and `clear` run with a writer lock; `find`
 * and the reads run with a reader lock, possibly on several threads at once. That is why eviction is CLOCK and
 * not LRU: a hit only sets the entry's reference bit (one atomic store), readers never relink anything. The
 * other thing readers write is the entry's "checked at" time, also one atomic store.
 *
 * A writer interrupted half way (an exception, or its thread dying) leaves the H_WRITING flag set. Readers then
 * see an empty cache, and the next writer resets the cache before its own change: a lost cache, never a corrupt one.
 *
 * Storage: fixed-size blocks chained by a link table. An entry's chain holds its key bytes, its tag bytes and its
 * body, back to back. Blocks are never fragmented; chains taken from a fresh free list are contiguous runs, and
 * copies go one run at a time.
 */

import { StateError, stateCodes } from './errors.ts';
import {
  E_BLOCKS, E_BODY_LEN, E_FIRST, E_HASH, E_HASH_NEXT, E_KEY_LEN, E_NEXT_FREE, E_REF, E_STATE, E_TAG_LEN, ENTRY_WORDS,
  H_BLOCKS, H_BLOCK_SIZE, H_BUCKETS, H_ENTRIES, H_EVICTIONS, H_FREE_BLOCK, H_FREE_BLOCKS, H_FREE_ENTRY, H_HAND,
  H_HITS, H_LIVE, H_LIVE_BYTES, H_MAGIC, H_MAX_ENTRY, H_MISSES, H_REJECTED, H_RESETS, H_STATE, H_STORES, H_WRITING,
  HEADER_WORDS, MAGIC, computeLayout,
} from './byte-cache-layout.ts';
import type { ByteCacheLayout, ByteCacheOptions } from './byte-cache-layout.ts';

export type { ByteCacheOptions } from './byte-cache-layout.ts';

/** What an entry says about the thing its body was made from (for revalidation and validators like ETag). */
export interface SourceInfo {
  /** Free text, e.g. the file path the body was read from. */
  readonly tag: string;
  readonly mtimeMs: number;
  readonly size: number;
}

export interface ByteCacheStats {
  readonly entries: number;
  readonly bodyBytes: number;
  readonly freeBlocks: number;
  readonly blocks: number;
  readonly blockSize: number;
  readonly hits: number;
  readonly misses: number;
  readonly stores: number;
  readonly evictions: number;
  /** Stores refused because the body was larger than `maxEntryBytes` or the whole cache. */
  readonly rejected: number;
  /** Times the cache was emptied after an interrupted writer (or by `clear`). */
  readonly resets: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** FNV-1a over UTF-16 code units: no encoding needed to hash a key. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export class ByteCache {
  readonly buffer: SharedArrayBuffer;
  readonly layout: ByteCacheLayout;
  /** Largest body `store` accepts. */
  readonly maxEntryBytes: number;
  private readonly header: Int32Array;
  private readonly buckets: Int32Array;
  private readonly entries: Int32Array;
  private readonly numbers: Float64Array;
  private readonly checked: BigInt64Array;
  private readonly links: Int32Array;
  private readonly data: Uint8Array;
  private scratch = new Uint8Array(256);

  /** Bytes of shared memory a cache with these options needs. */
  static byteLength(options: ByteCacheOptions): number {
    return computeLayout(options).byteLength;
  }

  /** A cache on fresh memory of its own (single thread, tests, or to hand its buffer to workers). */
  static create(options: ByteCacheOptions): ByteCache {
    return new ByteCache(new SharedArrayBuffer(computeLayout(options).byteLength), options);
  }

  /**
   * Views `buffer` as a cache. The first view of zeroed memory initialises it (others arriving meanwhile wait for
   * that); later views check that the memory holds a cache of the same layout.
   */
  constructor(buffer: SharedArrayBuffer, options: ByteCacheOptions) {
    const layout = computeLayout(options);
    if (buffer.byteLength < layout.byteLength) {
      throw new StateError(stateCodes.BAD_BUFFER, `byte cache: buffer has ${buffer.byteLength} bytes, layout needs ${layout.byteLength}`);
    }
    this.buffer = buffer;
    this.layout = layout;
    this.maxEntryBytes = layout.maxEntryBytes;
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.buckets = new Int32Array(buffer, layout.bucketsOffset, layout.buckets);
    this.entries = new Int32Array(buffer, layout.entriesOffset, layout.entries * ENTRY_WORDS);
    this.numbers = new Float64Array(buffer, layout.numbersOffset, layout.entries * 2);
    this.checked = new BigInt64Array(buffer, layout.checkedOffset, layout.entries);
    this.links = new Int32Array(buffer, layout.linksOffset, layout.blocks);
    this.data = new Uint8Array(buffer, layout.dataOffset, layout.blocks * layout.blockSize);
    this.attach();
  }

  private attach(): void {
    const h = this.header;
    const state = Atomics.compareExchange(h, H_STATE, 0, 1);
    if (state === 0) {
      if (Atomics.load(h, H_MAGIC) !== 0) throw new StateError(stateCodes.BAD_BUFFER, 'byte cache: buffer is not zeroed memory');
      h[H_BLOCK_SIZE] = this.layout.blockSize;
      h[H_BLOCKS] = this.layout.blocks;
      h[H_ENTRIES] = this.layout.entries;
      h[H_BUCKETS] = this.layout.buckets;
      h[H_MAX_ENTRY] = this.layout.maxEntryBytes;
      this.reset(false);
      Atomics.store(h, H_MAGIC, MAGIC);
      Atomics.store(h, H_STATE, 2);
      Atomics.notify(h, H_STATE);
      return;
    }
    while (Atomics.load(h, H_STATE) === 1) Atomics.wait(h, H_STATE, 1, 1000);
    const l = this.layout;
    if (
      Atomics.load(h, H_MAGIC) !== MAGIC || h[H_BLOCK_SIZE] !== l.blockSize || h[H_BLOCKS] !== l.blocks ||
      h[H_ENTRIES] !== l.entries || h[H_BUCKETS] !== l.buckets || h[H_MAX_ENTRY] !== l.maxEntryBytes
    ) {
      throw new StateError(stateCodes.BAD_BUFFER, 'byte cache: buffer holds a different structure or layout');
    }
  }

  // ---- reads (reader lock) ----

  /** The live entry for `key`, or -1. Marks it recently used. Counts a hit or a miss. */
  find(key: string): number {
    const h = this.header;
    if (Atomics.load(h, H_WRITING) !== 0) {
      Atomics.add(h, H_MISSES, 1);
      return -1;
    }
    const hash = hashKey(key);
    let slot = this.buckets[hash & (this.layout.buckets - 1)] - 1;
    if (slot >= 0) {
      const keyLength = this.encode(key);
      const e = this.entries;
      while (slot >= 0) {
        const base = slot * ENTRY_WORDS;
        if (e[base + E_HASH] === hash && e[base + E_KEY_LEN] === keyLength && this.keyEquals(slot, keyLength)) {
          if (e[base + E_REF] === 0) Atomics.store(e, base + E_REF, 1);
          Atomics.add(h, H_HITS, 1);
          return slot;
        }
        slot = e[base + E_HASH_NEXT] - 1;
      }
    }
    Atomics.add(h, H_MISSES, 1);
    return -1;
  }

  /** Whether `key` is cached, without counting or marking anything. */
  has(key: string): boolean {
    return Atomics.load(this.header, H_WRITING) === 0 && this.locate(key) >= 0;
  }

  bodyLength(slot: number): number {
    return this.entries[this.live(slot) * ENTRY_WORDS + E_BODY_LEN];
  }

  source(slot: number): SourceInfo {
    const base = this.live(slot) * ENTRY_WORDS;
    const keyLength = this.entries[base + E_KEY_LEN];
    const tagLength = this.entries[base + E_TAG_LEN];
    const bytes = new Uint8Array(tagLength);
    this.copyChain(slot, keyLength, tagLength, bytes, 0);
    return { tag: decoder.decode(bytes), mtimeMs: this.numbers[slot * 2], size: this.numbers[slot * 2 + 1] };
  }

  mtimeMs(slot: number): number {
    return this.numbers[this.live(slot) * 2];
  }

  size(slot: number): number {
    return this.numbers[this.live(slot) * 2 + 1];
  }

  /** When the entry was stored or last confirmed fresh (`markChecked`), in ms since the epoch. */
  checkedAt(slot: number): number {
    return Number(Atomics.load(this.checked, this.live(slot)));
  }

  /** Records that the entry was confirmed fresh at `nowMs` (allowed under a reader lock). */
  markChecked(slot: number, nowMs: number): void {
    Atomics.store(this.checked, this.live(slot), BigInt(Math.floor(nowMs)));
  }

  /** A copy of body bytes [start, end) in memory of its own (safe to keep after the lock is gone). */
  readBody(slot: number, start = 0, end?: number): Uint8Array {
    const length = this.bodyLength(slot);
    const to = Math.min(end ?? length, length);
    const from = Math.min(Math.max(0, start), to);
    const out = new Uint8Array(to - from);
    this.copyBody(slot, out, 0, from, to);
    return out;
  }

  /** Copies body bytes [start, end) into `target` at `offset`. */
  copyBody(slot: number, target: Uint8Array, offset: number, start = 0, end?: number): void {
    const base = this.live(slot) * ENTRY_WORDS;
    const length = this.entries[base + E_BODY_LEN];
    const to = Math.min(end ?? length, length);
    const from = Math.min(Math.max(0, start), to);
    if (target.length - offset < to - from) throw new RangeError('byte cache: target too small');
    const prefix = this.entries[base + E_KEY_LEN] + this.entries[base + E_TAG_LEN];
    this.copyChain(slot, prefix + from, to - from, target, offset);
  }

  stats(): ByteCacheStats {
    const h = this.header;
    return {
      entries: Atomics.load(h, H_LIVE),
      bodyBytes: Atomics.load(h, H_LIVE_BYTES),
      freeBlocks: Atomics.load(h, H_FREE_BLOCKS),
      blocks: this.layout.blocks,
      blockSize: this.layout.blockSize,
      hits: Atomics.load(h, H_HITS),
      misses: Atomics.load(h, H_MISSES),
      stores: Atomics.load(h, H_STORES),
      evictions: Atomics.load(h, H_EVICTIONS),
      rejected: Atomics.load(h, H_REJECTED),
      resets: Atomics.load(h, H_RESETS),
    };
  }

  // ---- writes (writer lock) ----

  /**
   * Caches `body` under `key`, replacing any entry for `key` and evicting others as needed. Returns false (and
   * changes nothing) when the body is over `maxEntryBytes` or the entry cannot fit in the whole cache.
   */
  store(key: string, source: SourceInfo, body: Uint8Array): boolean {
    const keyBytes = encoder.encode(key);
    const tagBytes = encoder.encode(source.tag);
    const total = keyBytes.length + tagBytes.length + body.length;
    const need = Math.ceil(total / this.layout.blockSize);
    if (body.length > this.maxEntryBytes || need > this.layout.blocks) {
      Atomics.add(this.header, H_REJECTED, 1);
      return false;
    }
    this.beginWrite();
    try {
      const existing = this.locate(key);
      if (existing >= 0) this.remove(existing);
      const h = this.header;
      while ((h[H_FREE_BLOCKS] < need || h[H_FREE_ENTRY] < 0) && this.evictOne());
      const slot = h[H_FREE_ENTRY];
      const e = this.entries;
      const base = slot * ENTRY_WORDS;
      h[H_FREE_ENTRY] = e[base + E_NEXT_FREE];
      const first = this.allocate(need);
      let at = this.writeChain(first, 0, keyBytes);
      at = this.writeChain(first, at, tagBytes);
      this.writeChain(first, at, body);
      const hash = hashKey(key);
      const bucket = hash & (this.layout.buckets - 1);
      e[base + E_HASH] = hash;
      e[base + E_KEY_LEN] = keyBytes.length;
      e[base + E_TAG_LEN] = tagBytes.length;
      e[base + E_BODY_LEN] = body.length;
      e[base + E_FIRST] = first;
      e[base + E_BLOCKS] = need;
      e[base + E_REF] = 0;
      e[base + E_NEXT_FREE] = -1;
      this.numbers[slot * 2] = source.mtimeMs;
      this.numbers[slot * 2 + 1] = source.size;
      Atomics.store(this.checked, slot, BigInt(Math.floor(Date.now())));
      e[base + E_HASH_NEXT] = this.buckets[bucket];
      e[base + E_STATE] = 1;
      this.buckets[bucket] = slot + 1;
      h[H_LIVE] += 1;
      h[H_LIVE_BYTES] += body.length;
      Atomics.add(h, H_STORES, 1);
    } catch (error) {
      this.reset(true);
      throw error;
    } finally {
      Atomics.store(this.header, H_WRITING, 0);
    }
    return true;
  }

  /** Drops the entry for `key`; returns whether there was one. */
  delete(key: string): boolean {
    this.beginWrite();
    try {
      const slot = this.locate(key);
      if (slot < 0) return false;
      this.remove(slot);
      return true;
    } catch (error) {
      this.reset(true);
      throw error;
    } finally {
      Atomics.store(this.header, H_WRITING, 0);
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.beginWrite();
    this.reset(true);
    Atomics.store(this.header, H_WRITING, 0);
  }

  /**
   * Checks every invariant (free lists, chains, counters, hash chains); returns the problems found. For tests
   * and debugging: it walks the whole structure.
   */
  verify(): string[] {
    const problems: string[] = [];
    const h = this.header;
    const { blocks, entries: slots, blockSize } = this.layout;
    const owner = new Int32Array(blocks).fill(-2);
    let free = 0;
    for (let b = h[H_FREE_BLOCK], steps = 0; b >= 0; b = this.links[b], steps++) {
      if (steps > blocks || owner[b] !== -2) { problems.push(`free block list loops at ${b}`); break; }
      owner[b] = -1;
      free++;
    }
    if (free !== h[H_FREE_BLOCKS]) problems.push(`free block count ${h[H_FREE_BLOCKS]} but list has ${free}`);
    let live = 0;
    let bytes = 0;
    for (let slot = 0; slot < slots; slot++) {
      const base = slot * ENTRY_WORDS;
      if (this.entries[base + E_STATE] !== 1) continue;
      live++;
      bytes += this.entries[base + E_BODY_LEN];
      let count = 0;
      for (let b = this.entries[base + E_FIRST]; b >= 0; b = this.links[b]) {
        if (owner[b] !== -2) { problems.push(`block ${b} of slot ${slot} is shared or free`); break; }
        owner[b] = slot;
        count++;
      }
      if (count !== this.entries[base + E_BLOCKS]) problems.push(`slot ${slot} has ${count} blocks, says ${this.entries[base + E_BLOCKS]}`);
      const total = this.entries[base + E_KEY_LEN] + this.entries[base + E_TAG_LEN] + this.entries[base + E_BODY_LEN];
      if (Math.ceil(total / blockSize) !== count) problems.push(`slot ${slot} holds ${total} bytes in ${count} blocks`);
      const bucket = this.entries[base + E_HASH] & (this.layout.buckets - 1);
      let found = false;
      for (let s = this.buckets[bucket] - 1, steps = 0; s >= 0 && steps <= slots; s = this.entries[s * ENTRY_WORDS + E_HASH_NEXT] - 1, steps++) {
        if (s === slot) { found = true; break; }
      }
      if (!found) problems.push(`slot ${slot} is not in its hash chain`);
    }
    for (let b = 0; b < blocks; b++) if (owner[b] === -2) problems.push(`block ${b} leaked`);
    if (live !== h[H_LIVE]) problems.push(`live count ${h[H_LIVE]} but ${live} live slots`);
    if (bytes !== h[H_LIVE_BYTES]) problems.push(`live bytes ${h[H_LIVE_BYTES]} but entries hold ${bytes}`);
    let freeSlots = 0;
    for (let s = h[H_FREE_ENTRY], steps = 0; s >= 0; s = this.entries[s * ENTRY_WORDS + E_NEXT_FREE], steps++) {
      if (steps > slots || this.entries[s * ENTRY_WORDS + E_STATE] !== 0) { problems.push(`free slot list broken at ${s}`); break; }
      freeSlots++;
    }
    if (freeSlots + live !== slots) problems.push(`${freeSlots} free + ${live} live slots of ${slots}`);
    return problems;
  }

  // ---- internals ----

  private live(slot: number): number {
    if (!(slot >= 0 && slot < this.layout.entries) || this.entries[slot * ENTRY_WORDS + E_STATE] !== 1) {
      throw new StateError(stateCodes.BAD_SLOT, `byte cache: slot ${slot} holds no entry`);
    }
    return slot;
  }

  /** Encodes `key` into the scratch buffer; returns its byte length. */
  private encode(key: string): number {
    if (this.scratch.length < key.length * 3) this.scratch = new Uint8Array(key.length * 3);
    return encoder.encodeInto(key, this.scratch).written;
  }

  private locate(key: string): number {
    const hash = hashKey(key);
    let slot = this.buckets[hash & (this.layout.buckets - 1)] - 1;
    if (slot < 0) return -1;
    const keyLength = this.encode(key);
    while (slot >= 0) {
      const base = slot * ENTRY_WORDS;
      if (this.entries[base + E_HASH] === hash && this.entries[base + E_KEY_LEN] === keyLength && this.keyEquals(slot, keyLength)) return slot;
      slot = this.entries[base + E_HASH_NEXT] - 1;
    }
    return -1;
  }

  private keyEquals(slot: number, keyLength: number): boolean {
    const size = this.layout.blockSize;
    const data = this.data;
    const scratch = this.scratch;
    let block = this.entries[slot * ENTRY_WORDS + E_FIRST];
    let i = 0;
    while (i < keyLength) {
      const start = block * size;
      const n = Math.min(size, keyLength - i);
      for (let j = 0; j < n; j++) if (data[start + j] !== scratch[i + j]) return false;
      i += n;
      block = this.links[block];
    }
    return true;
  }

  /** Copies `length` chain bytes starting at chain offset `from` into `target`, one run of adjacent blocks at a time. */
  private copyChain(slot: number, from: number, length: number, target: Uint8Array, offset: number): void {
    if (length === 0) return;
    const size = this.layout.blockSize;
    const links = this.links;
    let block = this.entries[slot * ENTRY_WORDS + E_FIRST];
    for (let skip = Math.floor(from / size); skip > 0; skip--) block = links[block];
    let within = from % size;
    let left = length;
    while (left > 0) {
      // Extend the run over blocks that follow each other in memory.
      let runBlocks = 1;
      while (runBlocks * size - within < left && links[block + runBlocks - 1] === block + runBlocks) runBlocks++;
      const start = block * size + within;
      const n = Math.min(runBlocks * size - within, left);
      target.set(this.data.subarray(start, start + n), offset);
      offset += n;
      left -= n;
      within = 0;
      block = links[block + runBlocks - 1];
    }
  }

  /** Writes `bytes` into the chain starting at chain offset `at`; returns the offset after them. */
  private writeChain(first: number, at: number, bytes: Uint8Array): number {
    if (bytes.length === 0) return at;
    const size = this.layout.blockSize;
    let block = first;
    for (let skip = Math.floor(at / size); skip > 0; skip--) block = this.links[block];
    let within = at % size;
    let done = 0;
    while (done < bytes.length) {
      const n = Math.min(size - within, bytes.length - done);
      this.data.set(bytes.subarray(done, done + n), block * size + within);
      done += n;
      within = 0;
      if (done < bytes.length) block = this.links[block];
    }
    return at + bytes.length;
  }

  /** Takes `count` blocks off the free list as one chain; returns its first block (-1 for none). */
  private allocate(count: number): number {
    if (count === 0) return -1;
    const h = this.header;
    const first = h[H_FREE_BLOCK];
    let last = first;
    for (let i = 1; i < count; i++) last = this.links[last];
    h[H_FREE_BLOCK] = this.links[last];
    this.links[last] = -1;
    h[H_FREE_BLOCKS] -= count;
    return first;
  }

  private remove(slot: number): void {
    const e = this.entries;
    const h = this.header;
    const base = slot * ENTRY_WORDS;
    const bucket = e[base + E_HASH] & (this.layout.buckets - 1);
    // Unlink from the hash chain.
    if (this.buckets[bucket] === slot + 1) {
      this.buckets[bucket] = e[base + E_HASH_NEXT];
    } else {
      let prev = this.buckets[bucket] - 1;
      while (prev >= 0 && e[prev * ENTRY_WORDS + E_HASH_NEXT] !== slot + 1) prev = e[prev * ENTRY_WORDS + E_HASH_NEXT] - 1;
      if (prev >= 0) e[prev * ENTRY_WORDS + E_HASH_NEXT] = e[base + E_HASH_NEXT];
    }
    // Give the blocks back: the chain goes in front of the free list, in its own order (runs stay runs).
    const first = e[base + E_FIRST];
    if (first >= 0) {
      let last = first;
      while (this.links[last] >= 0) last = this.links[last];
      this.links[last] = h[H_FREE_BLOCK];
      h[H_FREE_BLOCK] = first;
      h[H_FREE_BLOCKS] += e[base + E_BLOCKS];
    }
    h[H_LIVE] -= 1;
    h[H_LIVE_BYTES] -= e[base + E_BODY_LEN];
    e[base + E_STATE] = 0;
    e[base + E_FIRST] = -1;
    e[base + E_BLOCKS] = 0;
    e[base + E_HASH_NEXT] = 0;
    e[base + E_NEXT_FREE] = h[H_FREE_ENTRY];
    h[H_FREE_ENTRY] = slot;
  }

  /** Advances the clock hand to the first live entry whose reference bit is clear and evicts it. */
  private evictOne(): boolean {
    const h = this.header;
    if (h[H_LIVE] === 0) return false;
    const slots = this.layout.entries;
    const e = this.entries;
    let hand = h[H_HAND];
    // Two sweeps are always enough: the first clears every reference bit.
    for (let steps = 0; steps <= 2 * slots; steps++) {
      const base = hand * ENTRY_WORDS;
      const slot = hand;
      hand = hand + 1 === slots ? 0 : hand + 1;
      if (e[base + E_STATE] !== 1) continue;
      if (Atomics.load(e, base + E_REF) !== 0) {
        Atomics.store(e, base + E_REF, 0);
        continue;
      }
      h[H_HAND] = hand;
      this.remove(slot);
      Atomics.add(h, H_EVICTIONS, 1);
      return true;
    }
    h[H_HAND] = hand;
    return false;
  }

  private beginWrite(): void {
    // Still set: the previous writer never finished (it threw past our guard or its thread died).
    if (Atomics.exchange(this.header, H_WRITING, 1) !== 0) this.reset(true);
  }

  /** Empties the cache: every slot and block free. */
  private reset(count: boolean): void {
    const h = this.header;
    const { blocks, entries: slots } = this.layout;
    this.buckets.fill(0);
    for (let s = 0; s < slots; s++) {
      const base = s * ENTRY_WORDS;
      this.entries.fill(0, base, base + ENTRY_WORDS);
      this.entries[base + E_FIRST] = -1;
      this.entries[base + E_NEXT_FREE] = s + 1 < slots ? s + 1 : -1;
    }
    for (let b = 0; b < blocks; b++) this.links[b] = b + 1 < blocks ? b + 1 : -1;
    h[H_FREE_BLOCK] = 0;
    h[H_FREE_BLOCKS] = blocks;
    h[H_FREE_ENTRY] = 0;
    h[H_LIVE] = 0;
    h[H_LIVE_BYTES] = 0;
    h[H_HAND] = 0;
    if (count) Atomics.add(h, H_RESETS, 1);
  }
}
