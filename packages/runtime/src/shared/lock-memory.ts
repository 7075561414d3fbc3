/**
 * The shared memory behind the threaded runtimes' locks: one SharedArrayBuffer, created on the main thread and
 * handed to every worker, viewed as one Int32Array with three regions:
 *
 *   lock words      one word per lock slot (layout in lock-word.ts). Program-scope locks take one slot each;
 *                   session-scope locks take `sessionLocks` slots per session slot.
 *   session table   one word per session slot: 0 when free, otherwise the generation of the session using it.
 *                   Workers check it before taking a session's locks, so a stale slot is an error, not a race.
 *   held table      one row per thread that may hold locks, one word per lock slot: that thread's contribution
 *                   to the lock word (readers, waiting writers, writer bit), so a dead thread can be undone.
 */

export interface LockMemoryShape {
  /** Program-scope locks (one slot each). */
  readonly programLocks: number;
  /** Session-scope locks (this many slots per session slot). */
  readonly sessionLocks: number;
  /** Sessions that can be open at once (session slots). */
  readonly maxSessions: number;
  /** Threads that can hold locks at once (rows of the held table). */
  readonly rows: number;
}

export interface LockMemory {
  readonly shape: LockMemoryShape;
  readonly buffer: SharedArrayBuffer;
}

export function lockSlotCount(shape: LockMemoryShape): number {
  return shape.programLocks + shape.sessionLocks * shape.maxSessions;
}

export function createLockMemory(shape: LockMemoryShape): LockMemory {
  for (const [key, value] of Object.entries(shape)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`lock memory: ${key} must be a non-negative integer, got ${value}`);
  }
  const slots = lockSlotCount(shape);
  const words = slots + shape.maxSessions + shape.rows * slots;
  return { shape, buffer: new SharedArrayBuffer(Math.max(4, words * 4)) };
}

/** Typed views over the three regions; cheap to build, one per thread. */
export class LockMemoryView {
  readonly shape: LockMemoryShape;
  readonly slots: number;
  /** The lock words. */
  readonly words: Int32Array;
  /** Session slot -> generation (0 = free). */
  readonly sessions: Int32Array;
  /** All held rows, row-major: `held[row * slots + slot]`. */
  readonly held: Int32Array;

  constructor(memory: LockMemory) {
    this.shape = memory.shape;
    this.slots = lockSlotCount(memory.shape);
    const all = new Int32Array(memory.buffer);
    this.words = all.subarray(0, this.slots);
    this.sessions = all.subarray(this.slots, this.slots + memory.shape.maxSessions);
    this.held = all.subarray(this.slots + memory.shape.maxSessions, this.slots + memory.shape.maxSessions + memory.shape.rows * this.slots);
  }

  /** The slot of program-scope lock number `programIndex` (0-based among program locks). */
  programSlot(programIndex: number): number {
    return programIndex;
  }

  /** The slot of session-scope lock number `sessionIndex` (0-based among session locks) for a session slot. */
  sessionSlot(sessionIndex: number, session: number): number {
    return this.shape.programLocks + session * this.shape.sessionLocks + sessionIndex;
  }

  /** One thread's row of the held table. */
  row(row: number): Int32Array {
    if (!Number.isInteger(row) || row < 0 || row >= this.shape.rows) throw new RangeError(`lock memory: no held row ${row}`);
    return this.held.subarray(row * this.slots, (row + 1) * this.slots);
  }
}
