/**
 * The CPU server's options: their defaults (each also a flag of serve.ts: `maxRounds` -> `--max-rounds`) and how
 * they are read back from a runtime's options record (plain values: it crosses threads by structured clone).
 */

import { HTTP_LIMITS } from '@flux/runtime/http/options.ts';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  /** The most rounds one request may ask for (400 beyond): one request must not hold a thread for long. */
  maxRounds: 1_000_000,
  /** The HTTP source's limits, with the runtime's defaults (@flux/runtime/http/options.ts). */
  ...HTTP_LIMITS,
};

export type CpuOptions = typeof DEFAULTS;

export class OptionError extends Error {
  readonly code = 'CPU_ERR_OPTION';
  override readonly name = 'OptionError';
}

/** The options from a runtime's options record, defaults filled in, checked. */
export function readOptions(raw: Readonly<Record<string, unknown>>): CpuOptions {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof CpuOptions)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof DEFAULTS[key] === 'number') {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new OptionError(`option ${key} must be a non-negative number, got ${String(value)}`);
      out[key] = n;
    } else {
      if (typeof value !== 'string') throw new OptionError(`option ${key} must be a string, got ${typeof value}`);
      out[key] = value;
    }
  }
  const options = out as CpuOptions;
  if (!Number.isInteger(options.maxRounds) || options.maxRounds < 1) throw new OptionError(`option maxRounds must be a positive integer, got ${options.maxRounds}`);
  return options;
}
