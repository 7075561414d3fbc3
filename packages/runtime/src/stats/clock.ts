import type { Clock } from '../flow/env.ts';

/** The clock every runtime uses unless a test injects another. */
export const systemClock: Clock = {
  now: () => performance.now(),
  cpu: () => {
    const u = process.threadCpuUsage();
    return u.user + u.system;
  },
};
