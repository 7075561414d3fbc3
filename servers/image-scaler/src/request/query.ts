/**
 * The image API's query: `/images/<name>?w=&h=&fit=&format=&q=`, parsed and validated into a normalised
 * `ImageQuery` whose `key` names the scaled result in the cache. Strict on purpose: every parameter is a plain
 * value within bounds, unknown or repeated parameters are refused, so that no two spellings of one request
 * become two cache entries.
 */

import { BadRequestError, NotFoundError } from '../errors.ts';

export const FITS = ['cover', 'contain', 'inside'] as const;
export type Fit = (typeof FITS)[number];

export const FORMATS = ['jpeg', 'webp', 'png', 'avif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface QueryLimits {
  /** Largest width or height a client may ask for, in pixels. */
  readonly maxDimension: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDimension: 4096 };

export const DEFAULT_FIT: Fit = 'cover';
export const DEFAULT_FORMAT: OutputFormat = 'jpeg';
export const DEFAULT_QUALITY = 80;

export interface ImageQuery {
  /** The source file's name inside the image directory (one path segment). */
  readonly name: string;
  /** Target width, or null to follow the aspect ratio from `height`. */
  readonly width: number | null;
  /** Target height, or null to follow the aspect ratio from `width`. */
  readonly height: number | null;
  readonly fit: Fit;
  readonly format: OutputFormat;
  /** 1-100; always 100 for PNG, which is lossless here (so `q` does not split PNG cache entries). */
  readonly quality: number;
  /** The cache key: every field above, normalised. */
  readonly key: string;
}

const PREFIX = '/images/';
/** A file name: no separators, no leading dot (no `..`, no hidden files). */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
const INTEGER = /^[0-9]{1,6}$/;
const KNOWN = new Set(['w', 'h', 'fit', 'format', 'q']);

/** Parses a request target (path plus query string). Throws NotFoundError or BadRequestError. */
export function parseImageQuery(target: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): ImageQuery {
  const question = target.indexOf('?');
  const path = question < 0 ? target : target.slice(0, question);
  const search = question < 0 ? '' : target.slice(question + 1);
  if (!path.startsWith(PREFIX)) throw new NotFoundError(`no such resource: ${truncate(path)}`);
  let name: string;
  try {
    name = decodeURIComponent(path.slice(PREFIX.length));
  } catch {
    throw new BadRequestError('image name is not valid percent-encoding');
  }
  if (!NAME.test(name)) throw new BadRequestError(`invalid image name: ${truncate(name)}`);

  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(search)) {
    if (!KNOWN.has(key)) throw new BadRequestError(`unknown parameter: ${truncate(key)}`);
    if (params.has(key)) throw new BadRequestError(`parameter given twice: ${key}`);
    params.set(key, value);
  }

  const width = dimension(params.get('w'), 'w', limits.maxDimension);
  const height = dimension(params.get('h'), 'h', limits.maxDimension);
  if (width === null && height === null) throw new BadRequestError('missing parameter: w or h (or both)');
  const fit = oneOf(params.get('fit'), 'fit', FITS, DEFAULT_FIT);
  const format = oneOf(params.get('format'), 'format', FORMATS, DEFAULT_FORMAT);
  const requestedQuality = integerIn(params.get('q'), 'q', 1, 100) ?? DEFAULT_QUALITY;
  const quality = format === 'png' ? 100 : requestedQuality;
  const key = `${name}|${width ?? ''}x${height ?? ''}|${fit}|${format}|${quality}`;
  return { name, width, height, fit, format, quality, key };
}

function dimension(raw: string | undefined, name: string, max: number): number | null {
  return integerIn(raw, name, 1, max);
}

function integerIn(raw: string | undefined, name: string, min: number, max: number): number | null {
  if (raw === undefined) return null;
  if (!INTEGER.test(raw)) throw new BadRequestError(`parameter ${name} must be an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) throw new BadRequestError(`parameter ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(raw: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new BadRequestError(`parameter ${name} must be one of ${allowed.join(', ')}`);
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
