/**
 * Settings of the threaded runtimes: RuntimeOptions (including the threads-only knobs) with their defaults.
 */

import { availableParallelism, cpus } from 'node:os';
import type { RuntimeOptions } from '../core/core.ts';
import { Errors } from './errors.ts';

/**
 * What the threaded runtimes read: RuntimeOptions, whose threads-only knobs `start` passes through (defaults
 * below), plus a hook for tests.
 */
export interface ThreadsOptions extends RuntimeOptions {
  /**
   * thread: whether the machine's CPUs have room for another worker (the gate on starting one past `threads`);
   * by default, whether half a core's time went idle since the last look. For tests.
   */
  readonly cpuHasRoom?: () => boolean;
}

export interface ThreadsSettings {
  readonly threads: number;
  readonly queueLimit: number;
  readonly maxThreads: number;
  readonly flowsPerWorker: number;
  readonly maxSessions: number;
  readonly statsTimeoutMs: number;
  readonly compileCache: boolean;
  readonly threadWaitMs: number;
  readonly threadIdleMs: number;
  readonly threadStartAfterMs: number;
}

export const DEFAULT_QUEUE_LIMIT = 1024;
export const DEFAULT_FLOWS_PER_WORKER = 64;
export const DEFAULT_MAX_THREADS = 64;
export const DEFAULT_MAX_SESSIONS = 4096;
/**
 * `thread`: a session waits this long for a thread at most (an accept backlog's wait), then its flows take the
 * overload path. Long enough to ride out every worker starting at once on a small machine (a few seconds for 64
 * on 2 cores), short enough that a client is answered (503) rather than left hanging.
 */
export const DEFAULT_THREAD_WAIT_MS = 10_000;
/**
 * `thread`: a worker that has run no flow for this long is ended (its memory and descriptors go back). Busy
 * servers reuse workers long before; a connection that pauses longer pays a worker start (about 25 ms).
 */
export const DEFAULT_THREAD_IDLE_MS = 1_000;
/**
 * `thread`: past `threads` live workers, the oldest waiting session waits this long for a running worker to come
 * free before a new one is started (and only when the CPUs have idle time, see `cpuRoomSampler`). A start costs some
 * 35 ms of CPU and 12-14 MB; on a machine whose cores are busy, every worker more made each request dearer (README,
 * "`thread`"), so a new one must be worth a wait.
 */
export const DEFAULT_THREAD_START_AFTER_MS = 100;

/**
 * Whether the machine's CPUs had at least half a core's worth of idle time since the last look: a new thread can
 * only run in time some core leaves idle. Looks (os.cpus(), about 0.2 ms) at most every 50 ms and answers with the
 * last verdict in between; after more than a second without a look, the first look only starts a new window.
 */
export function cpuRoomSampler(): () => boolean {
  const sample = (): { idle: number; total: number } => {
    let idle = 0;
    let total = 0;
    for (const { times } of cpus()) {
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, total };
  };
  const cores = Math.max(1, availableParallelism());
  let last = sample();
  let lastAt = performance.now();
  let verdict = false;
  return () => {
    const now = performance.now();
    if (now - lastAt < 50) return verdict;
    const current = sample();
    const total = current.total - last.total;
    verdict = now - lastAt <= 1000 && total > 0 && (current.idle - last.idle) / total >= 0.5 / cores;
    last = current;
    lastAt = now;
    return verdict;
  };
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw Errors.badOption(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

export function threadsSettings(options: ThreadsOptions): ThreadsSettings {
  return {
    threads: count('threads', options.threads, availableParallelism(), 1),
    queueLimit: count('queueLimit', options.queueLimit, DEFAULT_QUEUE_LIMIT, 0),
    maxThreads: count('maxThreads', options.maxThreads, DEFAULT_MAX_THREADS, 1),
    flowsPerWorker: count('flowsPerWorker', options.flowsPerWorker, DEFAULT_FLOWS_PER_WORKER, 1),
    maxSessions: count('maxSessions', options.maxSessions, DEFAULT_MAX_SESSIONS, 1),
    statsTimeoutMs: count('statsTimeoutMs', options.statsTimeoutMs, 2000, 1),
    compileCache: options.compileCache ?? true,
    threadWaitMs: count('threadWaitMs', options.threadWaitMs, DEFAULT_THREAD_WAIT_MS, 1),
    threadIdleMs: count('threadIdleMs', options.threadIdleMs, DEFAULT_THREAD_IDLE_MS, 1),
    threadStartAfterMs: count('threadStartAfterMs', options.threadStartAfterMs, DEFAULT_THREAD_START_AFTER_MS, 0),
  };
}

/**
 * Server options as a worker can receive them: entries that cannot be structured-cloned (callbacks given to
 * `start` for tests, say) stay on the main thread, where sources use them.
 */
export function cloneableOptions(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'function' || typeof value === 'symbol') continue;
    try {
      structuredClone(value);
      out[key] = value;
    } catch {
      // left out: not cloneable
    }
  }
  return out;
}
