/**
 * Scales one source image with sharp. Defence against hostile sources comes before any pixel is decoded:
 * the header is probed first (sharp's metadata reads headers only), unsupported formats are refused, and the
 * declared pixel count is checked against a limit; sharp's own `limitInputPixels` is set to the same limit as
 * a second line, in case a header understates what the decoder then finds.
 */

import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Metadata, OutputInfo } from 'sharp';
import { ImageTooLargeError, UndecodableImageError, UnsupportedImageError } from '../errors.ts';
import type { ImageQuery } from '../request/query.ts';
import { CONTENT_TYPES, DECODABLE_SOURCES } from './formats.ts';

export interface ScaleLimits {
  /** Most pixels (width x height) a source may declare; larger ones are refused unread. */
  readonly maxInputPixels: number;
}

/** 8192 x 8192: room for camera originals, far below what would exhaust memory. */
export const DEFAULT_SCALE_LIMITS: ScaleLimits = { maxInputPixels: 8192 * 8192 };

export interface ScaledImage {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** A strong validator: a digest of `bytes`, quoted as HTTP wants it. */
  readonly etag: string;
  readonly width: number;
  readonly height: number;
}

/** AVIF at sharp's default effort (4) costs several times a JPEG; 2 keeps a miss within a small multiple. */
const AVIF_EFFORT = 2;

export async function scaleImage(source: Uint8Array, query: ImageQuery, limits: ScaleLimits = DEFAULT_SCALE_LIMITS): Promise<ScaledImage> {
  const metadata = await probe(source);
  if (!DECODABLE_SOURCES.has(metadata.format ?? '')) {
    throw new UnsupportedImageError(`source format ${metadata.format ?? 'unknown'} is not served`);
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width <= 0 || height <= 0) throw new UndecodableImageError('source declares no dimensions');
  if (width * height > limits.maxInputPixels) {
    throw new ImageTooLargeError(`source declares ${width}x${height} pixels, more than the limit of ${limits.maxInputPixels}`);
  }

  let pipeline = sharp(source, { limitInputPixels: limits.maxInputPixels, autoOrient: true })
    .resize({ width: query.width ?? undefined, height: query.height ?? undefined, fit: query.fit });
  switch (query.format) {
    case 'jpeg':
      pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: query.quality });
      break;
    case 'webp':
      pipeline = pipeline.webp({ quality: query.quality });
      break;
    case 'png':
      pipeline = pipeline.png();
      break;
    case 'avif':
      pipeline = pipeline.avif({ quality: query.quality, effort: AVIF_EFFORT });
      break;
  }
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw classify(error);
  }
  return {
    bytes: output.data,
    contentType: CONTENT_TYPES[query.format],
    etag: etagOf(output.data),
    width: output.info.width,
    height: output.info.height,
  };
}

async function probe(source: Uint8Array): Promise<Metadata> {
  try {
    // Headers only; the limit is ours to apply, with the dimensions in hand.
    return await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw classify(error);
  }
}

function classify(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) return new UnsupportedImageError('source is not an image in a supported format');
  if (/pixel limit/i.test(message)) return new ImageTooLargeError('source exceeds the pixel limit');
  return new UndecodableImageError(`source does not decode: ${message}`);
}

export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha1').update(bytes).digest('base64url').slice(0, 22)}"`;
}
