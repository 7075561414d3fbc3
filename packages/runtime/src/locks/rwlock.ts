/**
 * A reader/writer lock for one thread. Uncontended acquisition is a counter update (no allocation); waiter
 * records exist only under contention. FIFO: once anyone waits, newcomers queue behind them, so a writer is
 * never starved by a stream of readers; on release the head of the queue is granted (a writer alone, or every
 * reader up to the next writer).
 */

export const MODE_READ = 1;
export const MODE_WRITE = 2;

class Waiter {
  readonly mode: number;
  readonly grant: () => void;
  next: Waiter | null = null;

  constructor(mode: number, grant: () => void) {
    this.mode = mode;
    this.grant = grant;
  }
}

export class RWLock {
  /** Readers holding the lock. */
  readers = 0;
  writer = false;
  private head: Waiter | null = null;
  private tail: Waiter | null = null;

  tryRead(): boolean {
    if (this.writer || this.head !== null) return false;
    this.readers++;
    return true;
  }

  tryWrite(): boolean {
    if (this.writer || this.readers > 0 || this.head !== null) return false;
    this.writer = true;
    return true;
  }

  tryAcquire(mode: number): boolean {
    return mode === MODE_WRITE ? this.tryWrite() : this.tryRead();
  }

  /** Queues a waiter; `grant` is called (synchronously, from a release) once the lock is held for it. */
  enqueue(mode: number, grant: () => void): void {
    const w = new Waiter(mode, grant);
    if (this.tail === null) this.head = this.tail = w;
    else this.tail = this.tail.next = w;
    // The lock may be free with an empty queue before this waiter (a caller that did not try first).
    this.wake();
  }

  releaseRead(): void {
    if (this.readers <= 0) throw new Error('RWLock: releaseRead without a reader');
    this.readers--;
    if (this.readers === 0 && this.head !== null) this.wake();
  }

  releaseWrite(): void {
    if (!this.writer) throw new Error('RWLock: releaseWrite without the writer');
    this.writer = false;
    if (this.head !== null) this.wake();
  }

  release(mode: number): void {
    if (mode === MODE_WRITE) this.releaseWrite();
    else this.releaseRead();
  }

  /** Nobody holds it and nobody waits: the lock can be dropped and recreated later. */
  get idle(): boolean {
    return this.readers === 0 && !this.writer && this.head === null;
  }

  get waiting(): number {
    let n = 0;
    for (let w = this.head; w !== null; w = w.next) n++;
    return n;
  }

  private wake(): void {
    while (this.head !== null && !this.writer) {
      const w = this.head;
      if (w.mode === MODE_WRITE) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers++;
      }
      this.head = w.next;
      if (this.head === null) this.tail = null;
      w.grant();
    }
  }
}
