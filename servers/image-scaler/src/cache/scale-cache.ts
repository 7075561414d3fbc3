/**
 * The server's one cache of scaled images, identical on every thread: the runtime's ByteCache (bounded in
 * bytes, CLOCK eviction) for finished results, an InflightTable for results being computed, and request
 * counters, each in shared memory named through `SetupContext.shared`. The Flux locks (`cache?` / `cache!`)
 * give the ByteCache its reader/writer contract; the in-flight table and counters are atomic on their own.
 *
 * Each thread also keeps the images it has read out of the shared cache (bounded in bytes), so a hot key is
 * copied out of shared memory once, not on every hit, and every hit of it gets the same CachedImage object
 * (the response memo in http/response.ts keys on that object). An image kept here is used only while the
 * shared entry has the same source stamp: the same key from the same source file scales to the same bytes.
 */

import { ByteCache } from '@flux/runtime/state/byte-cache.ts';
import type { CachedImage, SourceStamp } from '../types.ts';
import { DEFAULT_INFLIGHT_OPTIONS, InflightTable, C_COALESCED, C_TAKEOVERS, C_UNCOORDINATED } from './inflight-table.ts';

export const R_HITS = 0;
export const R_MISSES = 1;
export const R_COALESCED = 2;
export const R_SCALED = 3;
const REQUEST_COUNTERS = 4;

export interface CacheSizing {
  readonly cacheBytes: number;
  readonly maxEntryBytes: number;
}

export type SharedAllocator = (name: string, byteLength: number) => SharedArrayBuffer;

export interface ScalerStats {
  /** Image requests answered from the cache at their first look. */
  readonly hits: number;
  /** Image requests not in the cache at their first look. */
  readonly misses: number;
  /** Misses answered with another request's result (they waited instead of computing). */
  readonly coalesced: number;
  /** Images scaled with sharp. */
  readonly scaled: number;
  /** Entries dropped to make room. */
  readonly evictions: number;
  readonly entries: number;
  readonly bytes: number;
  readonly capacityBytes: number;
  /** Results too large to cache (answered, not kept). */
  readonly rejected: number;
  /** Keys being computed right now. */
  readonly inflight: number;
  /** Misses that waited on another request (whatever came of it). */
  readonly waits: number;
  /** Misses computed without coordination because their in-flight slot was busy with another key. */
  readonly uncoordinated: number;
  readonly takeovers: number;
}

/** Separator between the parts of an entry's tag: content type, ETag. */
const TAG_SEPARATOR = '\n';

/** Bytes of images each thread keeps out of the shared cache at most. */
const LOCAL_BYTES = 16 * 1024 * 1024;

interface LocalImage {
  readonly mtimeMs: number;
  readonly size: number;
  readonly image: CachedImage;
}

export class ScaleCache {
  readonly store: ByteCache;
  readonly inflight: InflightTable;
  private readonly counters: Int32Array;
  private readonly capacityBytes: number;
  /** This thread's copies of hot images, oldest first; see the module comment. */
  private readonly local = new Map<string, LocalImage>();
  private localBytes = 0;

  constructor(shared: SharedAllocator, sizing: CacheSizing) {
    const cacheOptions = { capacityBytes: sizing.cacheBytes, maxEntryBytes: sizing.maxEntryBytes, blockSize: 4096 };
    this.store = new ByteCache(shared('image-scaler.cache', ByteCache.byteLength(cacheOptions)), cacheOptions);
    this.inflight = new InflightTable(shared('image-scaler.inflight', InflightTable.byteLength(DEFAULT_INFLIGHT_OPTIONS)), DEFAULT_INFLIGHT_OPTIONS);
    this.counters = new Int32Array(shared('image-scaler.counters', REQUEST_COUNTERS * 4));
    this.capacityBytes = this.store.layout.blocks * this.store.layout.blockSize;
  }

  /** Under the reader lock: the cached image for `key` (a private copy), or null. Marks it recently used. */
  lookup(key: string): CachedImage | null {
    const store = this.store;
    const slot = store.find(key);
    if (slot < 0) return null;
    const mtimeMs = store.mtimeMs(slot);
    const size = store.size(slot);
    const kept = this.local.get(key);
    if (kept !== undefined && kept.mtimeMs === mtimeMs && kept.size === size) return kept.image;
    const [contentType = '', etag = ''] = store.source(slot).tag.split(TAG_SEPARATOR);
    const image: CachedImage = Object.freeze({ bytes: store.readBody(slot), contentType, etag });
    this.keep(key, { mtimeMs, size, image });
    return image;
  }

  private keep(key: string, entry: LocalImage): void {
    const previous = this.local.get(key);
    if (previous !== undefined) {
      this.local.delete(key);
      this.localBytes -= previous.image.bytes.byteLength;
    }
    const bytes = entry.image.bytes.byteLength;
    if (bytes > LOCAL_BYTES / 16) return;
    this.local.set(key, entry);
    this.localBytes += bytes;
    for (const [oldest, old] of this.local) {
      if (this.localBytes <= LOCAL_BYTES) break;
      this.local.delete(oldest);
      this.localBytes -= old.image.bytes.byteLength;
    }
  }

  /** Under the writer lock: keeps `image` under `key`; false when it is too large to cache. */
  save(key: string, image: CachedImage, source: SourceStamp): boolean {
    return this.store.store(key, { tag: image.contentType + TAG_SEPARATOR + image.etag, mtimeMs: source.mtimeMs, size: source.size }, image.bytes);
  }

  count(which: number): void {
    Atomics.add(this.counters, which, 1);
  }

  stats(): ScalerStats {
    const store = this.store.stats();
    return {
      hits: Atomics.load(this.counters, R_HITS),
      misses: Atomics.load(this.counters, R_MISSES),
      coalesced: Atomics.load(this.counters, R_COALESCED),
      scaled: Atomics.load(this.counters, R_SCALED),
      evictions: store.evictions,
      entries: store.entries,
      bytes: store.bodyBytes,
      capacityBytes: this.capacityBytes,
      rejected: store.rejected,
      inflight: this.inflight.inflight(),
      waits: this.inflight.counter(C_COALESCED),
      uncoordinated: this.inflight.counter(C_UNCOORDINATED),
      takeovers: this.inflight.counter(C_TAKEOVERS),
    };
  }
}
