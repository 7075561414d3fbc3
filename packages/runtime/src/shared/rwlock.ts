/**
 * A table of reader/writer locks in shared memory, as one thread sees it.
 *
 * - Fast path: one `Atomics.compareExchange` on the lock word (with a guessed old value: a failed exchange
 *   returns the real one) and a plain add to this thread's held row. The row is only written by its own thread
 *   and only read by another after that thread has exited, so it needs no atomics.
 * - Slow path: never blocks the thread. A waiter sets the SLEEPERS bit and sleeps with `Atomics.waitAsync`, so
 *   the worker's event loop keeps running its other flows; a releaser that sees SLEEPERS clears it and
 *   `Atomics.notify`s every sleeper, which retry (and re-set the bit if they lose).
 * - Writers do not starve: a writer that has to wait registers in the word's waiting-writers count, and new
 *   readers wait while that count is non-zero. (Readers can starve under an endless stream of writers.)
 * - Every change to a lock word is mirrored in this thread's held row, in the same synchronous stretch with no
 *   user code in between, so `releaseRow` can undo exactly what a dead thread held or was waiting for.
 *
 * Not reentrant: the lock manager above it keeps per-flow ownership and never asks twice for a lock a flow holds.
 */

import {
  MAX_READERS,
  MAX_WAITING_WRITERS,
  READERS_MASK,
  SLEEPERS,
  WAITING_WRITER,
  WAITING_WRITERS_MASK,
  WRITER,
  describeWord,
} from './lock-word.ts';
import type { LockMemoryView } from './lock-memory.ts';

export type LockMode = 'read' | 'write';

export class LockStateError extends Error {
  readonly code = 'FLUX_ERR_LOCK_STATE';
  override readonly name = 'LockStateError';
}

export class RwLockTable {
  readonly view: LockMemoryView;
  readonly rowIndex: number;
  private readonly words: Int32Array;
  private readonly held: Int32Array;
  /** Sleepers on this thread; while any, a timer keeps the event loop alive (a pending waitAsync does not). */
  private sleeping = 0;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(view: LockMemoryView, row: number) {
    this.view = view;
    this.rowIndex = row;
    this.words = view.words;
    this.held = view.row(row);
  }

  /** Takes the lock now if it is free for `mode`; never waits. */
  tryAcquire(slot: number, mode: LockMode): boolean {
    return mode === 'read' ? this.tryRead(slot) : this.tryWrite(slot, false);
  }

  /**
   * Takes the lock, waiting (asynchronously) as long as needed. Returns `undefined` when it was taken at once,
   * so the uncontended path allocates no promise.
   */
  acquire(slot: number, mode: LockMode): Promise<void> | undefined {
    if (this.tryAcquire(slot, mode)) return undefined;
    return mode === 'read' ? this.waitRead(slot) : this.waitWrite(slot);
  }

  release(slot: number, mode: LockMode): void {
    const words = this.words;
    // Guess the common word (the last reader, or the writer, with nobody waiting); a failed compareExchange
    // returns the real word, so the loop needs no separate load.
    let v = mode === 'read' ? 1 : WRITER;
    for (;;) {
      let next: number;
      if (mode === 'read') {
        if ((v & READERS_MASK) === 0) throw new LockStateError(`release(read) of slot ${slot} with no readers (${describeWord(v)})`);
        next = v - 1;
      } else {
        if ((v & WRITER) === 0) throw new LockStateError(`release(write) of slot ${slot} with no writer (${describeWord(v)})`);
        next = v & ~WRITER;
      }
      // Only a release that lets somebody in wakes sleepers: the last reader, or the writer.
      const wake = (next & SLEEPERS) !== 0 && (next & READERS_MASK) === 0;
      if (wake) next &= ~SLEEPERS;
      const seen = Atomics.compareExchange(words, slot, v, next);
      if (seen === v) {
        if (wake) Atomics.notify(words, slot);
        break;
      }
      v = seen;
    }
    this.held[slot] -= mode === 'read' ? 1 : WRITER;
  }

  /** This thread's contribution to a lock word (held table row entry). */
  heldBy(slot: number): number {
    return this.held[slot];
  }

  private tryRead(slot: number): boolean {
    const words = this.words;
    let v = 0; // guess: free
    for (;;) {
      if ((v & (WRITER | WAITING_WRITERS_MASK)) !== 0) return false;
      if ((v & READERS_MASK) === MAX_READERS) throw new LockStateError(`slot ${slot}: more than ${MAX_READERS} readers`);
      const seen = Atomics.compareExchange(words, slot, v, v + 1);
      if (seen === v) {
        this.held[slot] += 1;
        return true;
      }
      v = seen;
    }
  }

  /** `registered`: this writer counted itself in the waiting writers; taking the lock un-counts it. */
  private tryWrite(slot: number, registered: boolean): boolean {
    const words = this.words;
    let v = registered ? WAITING_WRITER : 0; // guess: free (but for this writer's own registration)
    for (;;) {
      if ((v & (WRITER | READERS_MASK)) !== 0) return false;
      // An unregistered writer does not jump ahead of registered ones (they wait for exactly this moment).
      if (!registered && (v & WAITING_WRITERS_MASK) !== 0) return false;
      const next = (v | WRITER) - (registered ? WAITING_WRITER : 0);
      const seen = Atomics.compareExchange(words, slot, v, next);
      if (seen === v) {
        this.held[slot] += registered ? WRITER - WAITING_WRITER : WRITER;
        return true;
      }
      v = seen;
    }
  }

  private async waitRead(slot: number): Promise<void> {
    while (!this.tryRead(slot)) await this.sleep(slot, WRITER | WAITING_WRITERS_MASK);
  }

  private async waitWrite(slot: number): Promise<void> {
    const registered = this.registerWaitingWriter(slot);
    while (!this.tryWrite(slot, registered)) await this.sleep(slot, WRITER | READERS_MASK | (registered ? 0 : WAITING_WRITERS_MASK));
  }

  /** Counts this thread as a waiting writer unless the count is saturated (then it waits without priority). */
  private registerWaitingWriter(slot: number): boolean {
    const words = this.words;
    for (;;) {
      const v = Atomics.load(words, slot);
      if (((v & WAITING_WRITERS_MASK) >>> 20) === MAX_WAITING_WRITERS) return false;
      if (Atomics.compareExchange(words, slot, v, v + WAITING_WRITER) === v) {
        this.held[slot] += WAITING_WRITER;
        return true;
      }
    }
  }

  /**
   * Sleeps until the word changes after a release, unless none of the `blocking` bits are set any more. Marks
   * the word SLEEPERS first so the releaser knows to notify; `waitAsync` re-checks the value atomically, so a
   * release between our load and the wait is never missed.
   */
  private async sleep(slot: number, blocking: number): Promise<void> {
    const words = this.words;
    for (;;) {
      let v = Atomics.load(words, slot);
      if ((v & blocking) === 0) return;
      if ((v & SLEEPERS) === 0) {
        const marked = v | SLEEPERS;
        if (Atomics.compareExchange(words, slot, v, marked) !== v) continue;
        v = marked;
      }
      const result = Atomics.waitAsync(words, slot, v);
      if (result.async) {
        if (this.sleeping++ === 0) this.keepAlive = setInterval(noop, 2 ** 30);
        try {
          await result.value;
        } finally {
          if (--this.sleeping === 0) clearInterval(this.keepAlive);
        }
      }
      return;
    }
  }
}

function noop(): void {}

/**
 * Undoes everything one thread held or was waiting for (its held row), then wakes every sleeper on the words it
 * touched. Called on the main thread after a worker has exited; the row is zeroed so it can be reused.
 * Returns the number of lock slots that were released.
 */
export function releaseRow(view: LockMemoryView, row: number): number {
  const held = view.row(row);
  const words = view.words;
  let released = 0;
  for (let slot = 0; slot < held.length; slot++) {
    const contribution = Atomics.load(held, slot);
    if (contribution === 0) continue;
    for (;;) {
      const v = Atomics.load(words, slot);
      const next = (v - contribution) & ~SLEEPERS;
      if (Atomics.compareExchange(words, slot, v, next) === v) break;
    }
    Atomics.store(held, slot, 0);
    Atomics.notify(words, slot);
    released++;
  }
  return released;
}
