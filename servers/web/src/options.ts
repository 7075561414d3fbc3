/**
 * The web server's options: their defaults (each is also a command-line flag of serve.ts: `maxConnections` ->
 * `--max-connections`) and how they are read back from a runtime's options record, which crosses threads by
 * structured clone and so holds plain values only.
 */

import { HTTP_LIMITS } from '@flux/runtime/http/options.ts';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  /** Directory served. */
  root: '.',
  /**
   * The HTTP source's limits, with the runtime's defaults (@flux/runtime/http/options.ts): maxConnections,
   * headerTimeoutMs, idleTimeoutMs (also how long StreamFile waits for a reader), lingerMs, maxRequestLine,
   * maxHeaderBytes, maxDiscardBytes.
   */
  ...HTTP_LIMITS,
  /** Bytes of file bodies the shared cache holds. */
  cacheBytes: 64 * 1024 * 1024,
  /** Files up to this size are cached; larger ones are streamed from disk on every request. */
  maxFileBytes: 1024 * 1024,
  /** Bytes of complete responses to hot files each thread keeps ready to write (0: none). */
  hotResponseBytes: 16 * 1024 * 1024,
  /** A cache hit stats the file again when its entry was last checked longer ago than this (0: every hit). */
  revalidateMs: 1_000,
};

export type WebOptions = typeof DEFAULTS;

export class OptionError extends Error {
  readonly code = 'WEB_ERR_OPTION';
  override readonly name = 'OptionError';
}

/** The options from a runtime's options record, defaults filled in, checked. */
export function readOptions(raw: Readonly<Record<string, unknown>>): WebOptions {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof WebOptions)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    const expected = typeof DEFAULTS[key];
    if (expected === 'number') {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new OptionError(`option ${key} must be a non-negative number, got ${String(value)}`);
      }
      out[key] = n;
    } else {
      if (typeof value !== 'string') throw new OptionError(`option ${key} must be a string, got ${typeof value}`);
      out[key] = value;
    }
  }
  const options = out as WebOptions;
  if (!Number.isInteger(options.port) || options.port > 65535) throw new OptionError(`option port must be 0..65535, got ${options.port}`);
  for (const key of ['maxConnections', 'maxRequestLine', 'maxHeaderBytes', 'cacheBytes', 'maxFileBytes'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new OptionError(`option ${key} must be a positive integer, got ${options[key]}`);
  }
  for (const key of ['headerTimeoutMs', 'idleTimeoutMs'] as const) {
    if (options[key] <= 0) throw new OptionError(`option ${key} must be positive, got ${options[key]}`);
  }
  return options;
}
