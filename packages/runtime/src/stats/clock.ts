import type { Clock } from '../flow/env.ts';

/** The clock every runtime uses unless a test injects another. */
/**
 * Milliseconds since the epoch, fractional, comparable across threads (each thread's `performance.now()` has
 * its own origin): the profile's queue wait and crossing times subtract a main-thread stamp from a worker's.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export const systemClock: Clock = {
  now: () => performance.now(),
  cpu: () => {
    const u = process.threadCpuUsage();
    return u.user + u.system;
  },
};
