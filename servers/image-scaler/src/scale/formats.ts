/** Output formats: their media types, and the source formats this server decodes. */

import type { OutputFormat } from '../request/query.ts';

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  png: 'image/png',
  avif: 'image/avif',
};

/**
 * Source formats decoded, as sharp's metadata names them. Vector and document formats (SVG, PDF) and the
 * exotic loaders are refused: they render at a size the file chooses and widen the attack surface.
 */
export const DECODABLE_SOURCES: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'heif', 'gif', 'tiff']);
