/**
 * The web server's file cache: a ByteCache (shared memory, one cache for every thread) keyed by request path,
 * holding file bodies with their size and mtime, tagged with the path to stat when revalidating; and, on each
 * thread, a ResponseMemo of the complete 200 responses built from it this second, so that most hits of a hot
 * file write bytes that already exist instead of copying the body and formatting a head.
 *
 * A hit costs no system call while the entry is younger than `revalidateMs`; after that the next hit stats the
 * file once (size and mtime must match, else it is a miss and the file is read again). `lookup` runs under the
 * program's `cache` reader lock, `store` under its writer lock.
 */

import { statSync } from 'node:fs';
import { ByteCache } from '@flux/runtime/state/byte-cache.ts';
import type { CacheResult, FileStat, LoadedFile, Request } from '../types.ts';
import { bodyRange, decide } from '../http/conditional.ts';
import { contentTypeForPath } from '../http/mime.ts';
import { fileHead } from '../http/response.ts';
import { ResponseMemo, VARIANT_CLOSE, VARIANT_DEFAULT, VARIANT_KEEP_ALIVE_10 } from './response-memo.ts';

export interface FileCacheOptions {
  /** Bytes of file bodies the cache holds at most. */
  readonly capacityBytes: number;
  /** Files larger than this are never cached (they are streamed from disk). */
  readonly maxFileBytes: number;
  /** How old an entry may be before a hit stats the file again; 0 stats on every hit. */
  readonly revalidateMs: number;
  readonly blockSize?: number;
  /** Bytes of complete responses each thread keeps ready (0: none); see ResponseMemo. */
  readonly memoBytes?: number;
  /** Largest body whose responses are kept ready. */
  readonly memoMaxBodyBytes?: number;
}

/** Free bytes left in front of a hit's body, for the response head (see `prependHead`). */
export const HEADROOM = 512;

const MISS: CacheResult = Object.freeze({ hit: false });
const NO_BYTES = new Uint8Array(0);

function variantOf(request: Request): number {
  if (!request.keepAlive) return VARIANT_CLOSE;
  return request.version === '1.0' ? VARIANT_KEEP_ALIVE_10 : VARIANT_DEFAULT;
}

function cacheOptions(options: FileCacheOptions) {
  return {
    capacityBytes: options.capacityBytes,
    maxEntryBytes: Math.max(1, Math.min(options.maxFileBytes, options.capacityBytes)),
    blockSize: options.blockSize,
  };
}

export class FileCache {
  readonly bytes: ByteCache;
  readonly revalidateMs: number;
  readonly maxFileBytes: number;
  readonly memo: ResponseMemo;

  static byteLength(options: FileCacheOptions): number {
    return ByteCache.byteLength(cacheOptions(options));
  }

  constructor(buffer: SharedArrayBuffer, options: FileCacheOptions) {
    this.bytes = new ByteCache(buffer, cacheOptions(options));
    this.revalidateMs = options.revalidateMs;
    this.maxFileBytes = this.bytes.maxEntryBytes;
    this.memo = new ResponseMemo(options.memoBytes ?? 0, options.memoMaxBodyBytes ?? 256 * 1024);
  }

  /** Whether a file of `size` bytes is worth reading whole and caching. */
  fits(size: number): boolean {
    return size <= this.maxFileBytes;
  }

  lookup(request: Request, nowMs: number = Date.now()): CacheResult {
    const cache = this.bytes;
    const slot = cache.find(request.path);
    if (slot < 0) return MISS;
    const stat: FileStat = { size: cache.size(slot), mtimeMs: cache.mtimeMs(slot) };
    if (nowMs - cache.checkedAt(slot) >= this.revalidateMs) {
      let current;
      try {
        current = statSync(cache.source(slot).tag, { throwIfNoEntry: false });
      } catch {
        return MISS; // unreadable now: let the miss path find out and answer
      }
      if (current === undefined || !current.isFile() || current.size !== stat.size || current.mtimeMs !== stat.mtimeMs) return MISS;
      cache.markChecked(slot, nowMs);
    }
    const decision = decide(request, stat);
    if (decision.status === 200 && request.method === 'GET' && stat.size <= this.memo.maxBodyBytes) {
      return { hit: true, stat, decision, response: this.completeResponse(slot, request, stat, nowMs), buffer: NO_BYTES, headroom: 0 };
    }
    const { start, end } = bodyRange(decision, request, stat.size);
    // Memory of its own (not Buffer's shared pool): it may be transferred to another thread.
    const buffer = Buffer.allocUnsafeSlow(HEADROOM + end - start);
    if (end > start) cache.copyBody(slot, buffer, HEADROOM, start, end);
    return { hit: true, stat, decision, response: null, buffer, headroom: HEADROOM };
  }

  /** The whole 200 response to a GET of the entry in `slot`: from the memo, or built now and memoised. */
  private completeResponse(slot: number, request: Request, stat: FileStat, nowMs: number): Uint8Array {
    const second = Math.floor(nowMs / 1000);
    const variant = variantOf(request);
    const memo = this.memo;
    const ready = memo.get(request.path, variant, second, stat.size, stat.mtimeMs);
    if (ready !== undefined) return ready;
    const head = fileHead(request, { status: 200 }, stat, contentTypeForPath(request.path), nowMs);
    // Memory of its own (not Buffer's shared pool): it may be transferred to another thread.
    const response = Buffer.allocUnsafeSlow(head.length + stat.size);
    response.write(head, 0, 'latin1');
    if (stat.size > 0) this.bytes.copyBody(slot, response, head.length, 0, stat.size);
    memo.set(request.path, variant, second, stat.size, stat.mtimeMs, response);
    return response;
  }

  store(key: string, file: LoadedFile): boolean {
    return this.bytes.store(key, { tag: file.statPath, size: file.size, mtimeMs: file.mtimeMs }, file.body);
  }
}
