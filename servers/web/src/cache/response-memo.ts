/**
 * Complete responses to hot files, kept on each thread: the head and the body in one buffer, ready to write.
 *
 * A cache hit otherwise costs an allocation and a copy of the body out of shared memory, plus formatting the
 * head (ETag, Last-Modified, Date); here that happens once per file, connection variant and second (the Date
 * header changes each second), and every other hit of that second writes the same bytes. The memo is a view of
 * the shared cache, never a source of truth: an entry is used only while the shared entry it was built from has
 * the same size and mtime (checked by the caller on every hit), and only in the second it was built.
 *
 * Bounded in bytes: past `budgetBytes` the entries built longest ago go first (an entry moves to the back each
 * time it is rebuilt). Responses are never changed after they are built, so a write still in flight keeps
 * sending the right bytes after its entry is replaced.
 */

/** What the `Connection` header of a 200 says: keep-alive by default (1.1), keep-alive asked for (1.0), close. */
export const VARIANT_DEFAULT = 0;
export const VARIANT_KEEP_ALIVE_10 = 1;
export const VARIANT_CLOSE = 2;
const VARIANTS = 3;

interface MemoEntry {
  size: number;
  mtimeMs: number;
  /** The second (ms since the epoch / 1000) every response here was built in. */
  second: number;
  readonly responses: (Uint8Array | undefined)[];
  bytes: number;
}

export class ResponseMemo {
  readonly budgetBytes: number;
  /** Larger bodies are not memoised (their write costs more than the copy this saves); -1 when the memo is off. */
  readonly maxBodyBytes: number;
  private readonly entries = new Map<string, MemoEntry>();
  private bytes = 0;

  constructor(budgetBytes: number, maxBodyBytes: number) {
    this.budgetBytes = budgetBytes;
    this.maxBodyBytes = budgetBytes > 0 ? Math.min(maxBodyBytes, budgetBytes) : -1;
  }

  /** Bytes held. */
  get size(): number {
    return this.bytes;
  }

  /** The response for `path` built in `second` from a body of this size and mtime, if there is one. */
  get(path: string, variant: number, second: number, size: number, mtimeMs: number): Uint8Array | undefined {
    const entry = this.entries.get(path);
    if (entry === undefined || entry.second !== second || entry.size !== size || entry.mtimeMs !== mtimeMs) return undefined;
    return entry.responses[variant];
  }

  /** Keeps `response` (never changed afterwards) for later hits in the same second. */
  set(path: string, variant: number, second: number, size: number, mtimeMs: number, response: Uint8Array): void {
    if (size > this.maxBodyBytes) return;
    let entry = this.entries.get(path);
    if (entry !== undefined) {
      this.entries.delete(path);
      if (entry.second !== second || entry.size !== size || entry.mtimeMs !== mtimeMs) {
        this.bytes -= entry.bytes;
        entry.responses.fill(undefined);
        entry.bytes = 0;
        entry.second = second;
        entry.size = size;
        entry.mtimeMs = mtimeMs;
      }
    } else {
      entry = { size, mtimeMs, second, responses: new Array<Uint8Array | undefined>(VARIANTS).fill(undefined), bytes: 0 };
    }
    const previous = entry.responses[variant];
    if (previous !== undefined) {
      entry.bytes -= previous.byteLength;
      this.bytes -= previous.byteLength;
    }
    entry.responses[variant] = response;
    entry.bytes += response.byteLength;
    this.bytes += response.byteLength;
    this.entries.set(path, entry);
    this.trim();
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private trim(): void {
    if (this.bytes <= this.budgetBytes) return;
    for (const [path, entry] of this.entries) {
      this.entries.delete(path);
      this.bytes -= entry.bytes;
      if (this.bytes <= this.budgetBytes) return;
    }
  }
}
