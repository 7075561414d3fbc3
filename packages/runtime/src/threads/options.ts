/**
 * Settings of the threaded runtimes: RuntimeOptions (including the threads-only knobs) with their defaults.
 */

import { availableParallelism } from 'node:os';
import type { RuntimeOptions } from '../core/core.ts';
import { Errors } from './errors.ts';

/** What the threaded runtimes read: RuntimeOptions, whose threads-only knobs `start` passes through. */
export type ThreadsOptions = RuntimeOptions;

export interface ThreadsSettings {
  readonly threads: number;
  readonly queueLimit: number;
  readonly maxThreads: number;
  readonly flowsPerWorker: number;
  readonly maxSessions: number;
  readonly statsTimeoutMs: number;
  readonly compileCache: boolean;
}

export const DEFAULT_QUEUE_LIMIT = 1024;
export const DEFAULT_FLOWS_PER_WORKER = 64;
export const DEFAULT_MAX_THREADS = 64;
export const DEFAULT_MAX_SESSIONS = 4096;

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
