/**
 * Session slots in shared memory. The main thread is the only allocator: it gives a session a slot when the
 * session's first flow starts and frees the slot when the session has ended and its flows have finished. A
 * slot's word in the session table holds the session's generation (0 = free), which the flow carries to the
 * worker; a worker refuses to take session locks through a slot whose generation does not match.
 */

import type { LockMemoryView } from './lock-memory.ts';

export interface SessionSlot {
  readonly slot: number;
  readonly generation: number;
}

export class SessionTable {
  private readonly view: LockMemoryView;
  private readonly free: number[];
  private nextGeneration = 1;

  constructor(view: LockMemoryView) {
    this.view = view;
    // Lowest slots first: pop() takes from the end.
    this.free = Array.from({ length: view.shape.maxSessions }, (_, i) => view.shape.maxSessions - 1 - i);
  }

  get capacity(): number {
    return this.view.shape.maxSessions;
  }

  get inUse(): number {
    return this.capacity - this.free.length;
  }

  /** A fresh slot, or null when every slot is taken. The slot's lock words are all free. */
  open(): SessionSlot | null {
    const slot = this.free.pop();
    if (slot === undefined) return null;
    const generation = this.nextGeneration;
    this.nextGeneration = this.nextGeneration >= 0x7fff_ffff ? 1 : this.nextGeneration + 1;
    Atomics.store(this.view.sessions, slot, generation);
    return { slot, generation };
  }

  /**
   * Frees a slot whose flows have all finished. Its lock words should already be zero; they are cleared anyway
   * so that a slot is never handed out with stale state.
   */
  close(session: SessionSlot): void {
    if (Atomics.load(this.view.sessions, session.slot) !== session.generation) return;
    const { sessionLocks } = this.view.shape;
    for (let k = 0; k < sessionLocks; k++) Atomics.store(this.view.words, this.view.sessionSlot(k, session.slot), 0);
    Atomics.store(this.view.sessions, session.slot, 0);
    this.free.push(session.slot);
  }

  /** True when the slot still belongs to the session of that generation (any thread may ask). */
  static isLive(view: LockMemoryView, session: SessionSlot): boolean {
    return session.slot >= 0 && session.slot < view.shape.maxSessions && Atomics.load(view.sessions, session.slot) === session.generation;
  }
}
