/**
 * Bit layout of one reader/writer lock word in shared memory. A thread's row in the held table uses the same
 * layout for its own contribution to each word (readers it holds, writers it has waiting, the writer bit), so
 * that releasing everything a dead thread held is a subtraction.
 *
 *   bit 31      SLEEPERS        somebody sleeps on this word (Atomics.waitAsync): the releaser must notify
 *   bit 30      WRITER          a writer holds the lock
 *   bits 20-29  waiting writers count of writers waiting; while non-zero new readers wait (writers do not starve)
 *   bits 0-19   readers         count of readers holding the lock
 */

export const READERS_MASK = 0x000f_ffff;
export const WAITING_WRITER = 0x0010_0000;
export const WAITING_WRITERS_MASK = 0x3ff0_0000;
export const WRITER = 0x4000_0000;
/** The sign bit, as an int32 (what an Int32Array reads back). */
export const SLEEPERS = -0x8000_0000;

export const MAX_READERS = READERS_MASK;
export const MAX_WAITING_WRITERS = WAITING_WRITERS_MASK / WAITING_WRITER;

export function readersOf(word: number): number {
  return word & READERS_MASK;
}

export function waitingWritersOf(word: number): number {
  return (word & WAITING_WRITERS_MASK) >>> 20;
}

export function hasWriter(word: number): boolean {
  return (word & WRITER) !== 0;
}

export function hasSleepers(word: number): boolean {
  return (word & SLEEPERS) !== 0;
}

/** A readable rendering for test failures and diagnostics. */
export function describeWord(word: number): string {
  return `readers=${readersOf(word)} waitingWriters=${waitingWritersOf(word)} writer=${hasWriter(word)} sleepers=${hasSleepers(word)}`;
}
