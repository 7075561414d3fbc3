/**
 * The in-process file cache of the hand-written web baselines (node-http.ts, raw-net.ts): what a Node user would
 * write, not the Flux runtime's shared-memory ByteCache. It is `lru-cache` bounded in bytes (`maxSize` with a
 * `sizeCalculation` of the body length): the most used LRU package on npm, maintained, typed, and bounded by
 * size rather than by entry count, which a file cache needs. Pinned (bench/package.json) so that a new release
 * does not move the baseline under the history.
 *
 * Same policy as the Flux server: files over `maxFileBytes` are never cached (they are streamed from disk), and
 * a hit older than `revalidateMs` stats the file again (a changed or removed file is a miss).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { fileHeaderLines, fileHeadersFor, type FileHeaders } from './http-file-headers.ts';

export interface FileCachePolicy {
  readonly capacityBytes: number;
  readonly maxFileBytes: number;
  readonly revalidateMs: number;
}

export interface ServedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly headers: FileHeaders;
  /** The header lines after Server and Date (http-file-headers.ts), made once per file. */
  readonly headerLines: string;
}

/** A file held in memory: what it is, and its body. */
export interface HeldFile extends ServedFile {
  readonly body: Buffer;
}

interface CachedFile extends HeldFile {
  /** When the file was last read or stat'ed (Date.now()). */
  checkedAt: number;
}

export type FileLookup =
  /** In memory (a hit, or a miss just read and stored). */
  | { readonly kind: 'memory'; readonly file: HeldFile; readonly body: Buffer }
  /** Over the largest cached size: stream it from `fullPath`. */
  | { readonly kind: 'large'; readonly file: ServedFile; readonly fullPath: string }
  | { readonly kind: 'missing' };

const MISSING: FileLookup = { kind: 'missing' };

function served(path: string, size: number, mtimeMs: number): ServedFile {
  const headers = fileHeadersFor(path, size, mtimeMs);
  return { size, mtimeMs, headers, headerLines: fileHeaderLines(headers) };
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}

export class FileCache {
  private readonly root: string;
  private readonly policy: FileCachePolicy;
  private readonly entries: LRUCache<string, CachedFile>;

  constructor(root: string, policy: FileCachePolicy) {
    this.root = root;
    this.policy = policy;
    this.entries = new LRUCache<string, CachedFile>({
      maxSize: Math.max(1, policy.capacityBytes),
      maxEntrySize: Math.max(1, Math.min(policy.maxFileBytes, policy.capacityBytes)),
      // lru-cache wants a positive size: an empty file still takes an entry.
      sizeCalculation: (file) => Math.max(1, file.body.length),
    });
  }

  /** A cached file checked less than `revalidateMs` ago: the path with no disk access at all. */
  fresh(path: string, now: number = Date.now()): FileLookup | undefined {
    const file = this.held(path, now);
    return file === undefined ? undefined : { kind: 'memory', file, body: file.body };
  }

  /** `fresh` without the lookup object around the file (raw-net's hot path allocates nothing here). */
  held(path: string, now: number = Date.now()): HeldFile | undefined {
    const file = this.entries.get(path);
    if (file === undefined || now - file.checkedAt >= this.policy.revalidateMs) return undefined;
    return file;
  }

  /**
   * The file a normalised URL path names (resolveUrlPath): from memory when fresh or still unchanged on disk,
   * else read (and cached when small enough). Throws on I/O errors other than "not there".
   */
  async lookup(path: string): Promise<FileLookup> {
    const now = Date.now();
    const hit = this.fresh(path, now);
    if (hit) return hit;
    const fullPath = join(this.root, path);
    let info;
    try {
      info = await stat(fullPath);
    } catch (error) {
      if (isNotFound(error)) {
        this.entries.delete(path);
        return MISSING;
      }
      throw error;
    }
    if (!info.isFile()) return MISSING;
    const stale = this.entries.get(path);
    if (stale && stale.size === info.size && stale.mtimeMs === info.mtimeMs) {
      stale.checkedAt = now;
      return { kind: 'memory', file: stale, body: stale.body };
    }
    if (info.size > this.policy.maxFileBytes) {
      this.entries.delete(path);
      return { kind: 'large', file: served(path, info.size, info.mtimeMs), fullPath };
    }
    let body: Buffer;
    try {
      body = await readFile(fullPath);
    } catch (error) {
      if (isNotFound(error)) return MISSING;
      throw error;
    }
    const file: CachedFile = { ...served(path, body.length, info.mtimeMs), body, checkedAt: now };
    this.entries.set(path, file);
    return { kind: 'memory', file, body };
  }

  /** Bytes held (for tests). */
  get heldBytes(): number {
    return this.entries.calculatedSize;
  }
}
