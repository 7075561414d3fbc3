/** Server options, as given to `start` (and on the command line by serve.ts), with their defaults. */

export interface ScalerOptions {
  /** Directory of source images. */
  readonly images: string;
  /** Bytes of scaled images kept in the shared cache. */
  readonly cacheBytes: number;
  /** Largest single scaled image the cache keeps; larger results are answered but not cached. */
  readonly maxEntryBytes: number;
  /** Largest width or height a client may ask for. */
  readonly maxDimension: number;
  /** Most pixels a source image may declare. */
  readonly maxInputPixels: number;
  /** Largest source file read, in bytes. */
  readonly maxSourceBytes: number;
  /** Cache-Control sent with images. */
  readonly cacheControl: string;
  /** How long a request waits for another's computation of the same key before computing itself. */
  readonly waitTimeoutMs: number;
}

export const DEFAULTS: Omit<ScalerOptions, 'images'> = {
  cacheBytes: 64 * 1024 * 1024,
  maxEntryBytes: 4 * 1024 * 1024,
  maxDimension: 4096,
  maxInputPixels: 8192 * 8192,
  maxSourceBytes: 64 * 1024 * 1024,
  cacheControl: 'public, max-age=86400, immutable',
  waitTimeoutMs: 30_000,
};

/** Every option with its default, as flags of serve.ts (`--images` has none: it is required). */
export const FLAGS = { host: '127.0.0.1', port: 8090, images: '', ...DEFAULTS };

export class OptionsError extends Error {
  readonly code = 'SCALER_ERR_OPTIONS';
  override readonly name = 'OptionsError';
}

export function resolveOptions(raw: Readonly<Record<string, unknown>>): ScalerOptions {
  const images = raw['images'];
  if (typeof images !== 'string' || images === '') throw new OptionsError('option images (the source image directory) is required');
  const cacheBytes = positive(raw, 'cacheBytes', DEFAULTS.cacheBytes);
  return {
    images,
    cacheBytes,
    maxEntryBytes: Math.min(positive(raw, 'maxEntryBytes', DEFAULTS.maxEntryBytes), cacheBytes),
    maxDimension: positive(raw, 'maxDimension', DEFAULTS.maxDimension),
    maxInputPixels: positive(raw, 'maxInputPixels', DEFAULTS.maxInputPixels),
    maxSourceBytes: positive(raw, 'maxSourceBytes', DEFAULTS.maxSourceBytes),
    cacheControl: typeof raw['cacheControl'] === 'string' ? raw['cacheControl'] : DEFAULTS.cacheControl,
    waitTimeoutMs: positive(raw, 'waitTimeoutMs', DEFAULTS.waitTimeoutMs),
  };
}

function positive(raw: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const value = raw[name];
  if (value === undefined) return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new OptionsError(`option ${name} must be a positive integer, got ${String(value)}`);
  }
  return number;
}
