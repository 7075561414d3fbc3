import type { RuntimeKind } from '../../src/api.ts';

/**
 * The runtimes the conformance suite runs under. A runtime joins this list once `start` can run it
 * (the threaded runtimes are added by src/threads/ when they are ready).
 */
export const RUNTIMES: readonly RuntimeKind[] = ['event', 'threadpool', 'thread'];
