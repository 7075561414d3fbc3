/**
 * The cache of the image-scaler's node:http baseline (node-http.ts): what a Node user would write, an ordinary
 * in-process `lru-cache` bounded in bytes (`maxSize`, each entry the size of its image; entries over
 * `maxEntryBytes` are not kept), the same package and pin as the web baselines' file cache. A hit hands out the
 * very bytes it holds: no copy.
 */
import { LRUCache } from 'lru-cache';

export interface ScaledImage {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly etag: string;
}

export function createImageCache(capacityBytes: number, maxEntryBytes: number): LRUCache<string, ScaledImage> {
  return new LRUCache<string, ScaledImage>({
    maxSize: capacityBytes,
    maxEntrySize: Math.max(1, Math.min(maxEntryBytes, capacityBytes)),
    // lru-cache wants a positive size.
    sizeCalculation: (image) => Math.max(1, image.bytes.byteLength),
  });
}
