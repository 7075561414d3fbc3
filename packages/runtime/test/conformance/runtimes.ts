import type { RuntimeKind } from '../../src/api.ts';

/**
 * The runtimes the conformance suite runs under. A runtime joins this list once `start` can run it
 * (the threaded runtimes are added by src/threads/ when they are ready).
 *
 * `thread` passes the suite except for time: it starts a worker for every flow without a session (about 30 ms
 * of CPU each on this machine, see the README's threads section), and the suites that run 200-400 such flows
 * per test take 10-40 s under it. It joins once the volume tests scale their flow counts by runtime.
 */
export const RUNTIMES: readonly RuntimeKind[] = ['event', 'threadpool'];
