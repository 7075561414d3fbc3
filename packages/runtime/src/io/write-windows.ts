/**
 * Write windows: how many bytes other threads have written to each connection that its socket has not flushed
 * yet, in shared memory, so that a node on any thread gets the same backpressure a node next to the socket gets
 * from `socket.writableLength`.
 *
 * One row per open connection (claimed at `io.register`, freed when the socket closes), four Int32 words:
 *   ID       the connection's id (0: a free row)
 *   PENDING  bytes posted by other threads, not yet flushed to the kernel by the socket's thread
 *   SEQ      bumped (and waiters woken) when PENDING falls below the window, and when the row is freed
 *   POLICY   what a write past the connection's limit does: OVERFLOW_CLOSE or OVERFLOW_DROP
 * A writer adds before it posts and the socket's thread subtracts in the write's callback, so PENDING is an
 * upper bound of what sits in memory for the connection on its way to the socket.
 */

export const OVERFLOW_CLOSE = 0;
export const OVERFLOW_DROP = 1;

const ID = 0;
const PENDING = 1;
const SEQ = 2;
const POLICY = 3;
const WORDS = 4;

/** Rows in a process's table: open connections with a window; more still work, without cross-thread windows. */
export const DEFAULT_WINDOW_ROWS = 1 << 16;

export class WriteWindows {
  readonly buffer: SharedArrayBuffer;
  readonly rows: number;
  private readonly words: Int32Array;
  /** Where this thread starts looking for a free row (threads start apart, so they rarely race for one). */
  private cursor: number;

  static byteLength(rows: number): number {
    return rows * WORDS * 4;
  }

  static create(rows = DEFAULT_WINDOW_ROWS): WriteWindows {
    return new WriteWindows(new SharedArrayBuffer(WriteWindows.byteLength(rows)));
  }

  constructor(buffer: SharedArrayBuffer, startAt = 0) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.rows = this.words.length / WORDS;
    this.cursor = startAt % this.rows;
  }

  /** A free row for connection `id` (> 0), or -1 when the table is full. */
  claim(id: number, policy: number): number {
    const w = this.words;
    for (let n = 0; n < this.rows; n++) {
      const row = this.cursor;
      this.cursor = (this.cursor + 1) % this.rows;
      const base = row * WORDS;
      if (Atomics.compareExchange(w, base + ID, 0, id) === 0) {
        Atomics.store(w, base + PENDING, 0);
        Atomics.store(w, base + POLICY, policy);
        return row;
      }
    }
    return -1;
  }

  /** The connection closed: its row is free, and writers waiting on it wake up to find it gone. */
  release(row: number, id: number): void {
    const w = this.words;
    const base = row * WORDS;
    if (Atomics.load(w, base + ID) !== id) return;
    Atomics.store(w, base + PENDING, 0);
    Atomics.store(w, base + ID, 0);
    Atomics.add(w, base + SEQ, 1);
    Atomics.notify(w, base + SEQ);
  }

  /** Whether `row` still belongs to connection `id`. */
  holds(row: number, id: number): boolean {
    return Atomics.load(this.words, row * WORDS + ID) === id;
  }

  policy(row: number): number {
    return Atomics.load(this.words, row * WORDS + POLICY);
  }

  pending(row: number): number {
    return Atomics.load(this.words, row * WORDS + PENDING);
  }

  /** A writer is about to post `bytes`: the connection's pending bytes including them. */
  add(row: number, bytes: number): number {
    return Atomics.add(this.words, row * WORDS + PENDING, bytes) + bytes;
  }

  /**
   * `bytes` were flushed to the socket (or dropped with it). Wakes the writers waiting on the row when the
   * pending bytes fall below `window`.
   */
  flushed(row: number, id: number, bytes: number, window: number): void {
    const w = this.words;
    const base = row * WORDS;
    if (Atomics.load(w, base + ID) !== id) return;
    const before = Atomics.sub(w, base + PENDING, bytes);
    if (before >= window && before - bytes < window) {
      Atomics.add(w, base + SEQ, 1);
      Atomics.notify(w, base + SEQ);
    }
  }

  /**
   * Resolves true once connection `id` has fewer than `window` bytes pending, false once it is gone (or after
   * `timeoutMs`, if given, with the window still full).
   */
  async below(row: number, id: number, window: number, timeoutMs?: number): Promise<boolean> {
    const w = this.words;
    const base = row * WORDS;
    const until = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    for (;;) {
      const seq = Atomics.load(w, base + SEQ);
      if (Atomics.load(w, base + ID) !== id) return false;
      if (Atomics.load(w, base + PENDING) < window) return true;
      const left = until - Date.now();
      if (left <= 0) return false;
      const wait = Atomics.waitAsync(w, base + SEQ, seq, Number.isFinite(left) ? left : undefined);
      if (wait.async) await wait.value;
    }
  }
}
