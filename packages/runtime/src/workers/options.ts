/**
 * Settings of the `workers` runtime, with their defaults, and which sources run on every worker.
 */

import { availableParallelism } from 'node:os';
import type { Implementation, SourceMode } from '../api.ts';
import type { RuntimeOptions } from '../core/core.ts';
import type { Plan } from '../plan/plan.ts';
import { Errors } from '../threads/errors.ts';
import { ID_SLOTS } from './conn-ids.ts';

export interface WorkersSettings {
  readonly threads: number;
  /** Flows in flight per thread beyond which new ones are refused (overload); unlimited by default, as `event`. */
  readonly queueLimit: number;
  readonly statsTimeoutMs: number;
  readonly compileCache: boolean;
}

/** Most workers: one connection-id slot each, and one for the main thread. */
export const MAX_WORKERS = ID_SLOTS - 1;

function count(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw Errors.badOption(`${name} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

export function workersSettings(options: RuntimeOptions): WorkersSettings {
  return {
    threads: count('threads', options.threads, Math.min(availableParallelism(), MAX_WORKERS), 1, MAX_WORKERS),
    queueLimit: count('queueLimit', options.queueLimit, Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY),
    statsTimeoutMs: count('statsTimeoutMs', options.statsTimeoutMs, 2000, 1, Number.POSITIVE_INFINITY),
    compileCache: options.compileCache ?? true,
  };
}

const MODES: readonly SourceMode[] = ['once', 'every-thread'];

/**
 * Indices of the sources that run on every worker (`impl.sourceModes`). A mode for a source the program does
 * not have, or a mode that does not exist, is an error: a typo would otherwise silently run a listener once.
 */
export function everyThreadSources(plan: Plan, impl: Implementation): Set<number> {
  const modes = impl.sourceModes ?? {};
  const names = new Set(plan.sources.map((s) => s.name));
  for (const [name, mode] of Object.entries(modes)) {
    if (!names.has(name)) throw Errors.badOption(`sourceModes names ${name}, which is not a source of the program`);
    if (!MODES.includes(mode)) throw Errors.badOption(`sourceModes.${name} must be 'once' or 'every-thread', not ${JSON.stringify(mode)}`);
  }
  return new Set(plan.sources.filter((s) => modes[s.name] === 'every-thread').map((s) => s.index));
}
