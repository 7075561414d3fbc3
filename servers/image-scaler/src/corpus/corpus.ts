/**
 * Source images generated locally with sharp, deterministic for a given spec: smooth gradients with a few
 * shapes (so encoders do real work, unlike flat colour), in several sizes and formats. The tests and the
 * benchmark both write their image directories with this.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { pngBomb } from './png-bomb.ts';

export interface CorpusImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly format: 'jpeg' | 'png' | 'webp' | 'avif';
  /** Varies the picture so that images differ. */
  readonly seed: number;
}

function svgFor(image: CorpusImage): Buffer {
  const { width: w, height: h, seed } = image;
  const hue = (seed * 47) % 360;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const x = ((seed * 31 + i * 97) % 100) / 100;
    const y = ((seed * 17 + i * 61) % 100) / 100;
    const r = 0.05 + (((seed + i * 13) % 20) / 100);
    shapes.push(`<circle cx="${(x * w).toFixed(1)}" cy="${(y * h).toFixed(1)}" r="${(r * Math.min(w, h)).toFixed(1)}" fill="hsl(${(hue + i * 50) % 360},70%,55%)" fill-opacity="0.7"/>`);
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
      `<stop offset="0" stop-color="hsl(${hue},60%,30%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},60%,80%)"/>` +
      `</linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes.join('')}</svg>`,
  );
}

export async function renderImage(image: CorpusImage): Promise<Buffer> {
  const base = sharp(svgFor(image));
  switch (image.format) {
    case 'jpeg': return base.jpeg({ quality: 90 }).toBuffer();
    case 'png': return base.png().toBuffer();
    case 'webp': return base.webp({ quality: 90 }).toBuffer();
    case 'avif': return base.avif({ quality: 60, effort: 2 }).toBuffer();
  }
}

/** Files that are not good images, for the error paths. */
export async function badSources(): Promise<Record<string, Buffer>> {
  const good = await renderImage({ name: 'x', width: 320, height: 240, format: 'jpeg', seed: 1 });
  return {
    // A JPEG header with garbage where the entropy-coded data should be.
    'corrupt.jpg': Buffer.concat([good.subarray(0, 400), Buffer.alloc(600, 0x55)]),
    // Half a JPEG.
    'truncated.jpg': good.subarray(0, Math.floor(good.length / 2)),
    'not-an-image.jpg': Buffer.from('this is plain text, not an image\n'),
    'vector.svg': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
    'bomb.png': pngBomb(20000, 20000),
  };
}

/** Writes `images` (and, with `withBadSources`, the bad files) into `directory`. */
export async function writeCorpus(directory: string, images: readonly CorpusImage[], withBadSources = false): Promise<void> {
  await mkdir(directory, { recursive: true });
  await Promise.all(images.map(async (image) => writeFile(join(directory, image.name), await renderImage(image))));
  if (withBadSources) {
    for (const [name, bytes] of Object.entries(await badSources())) await writeFile(join(directory, name), bytes);
  }
}

/** A small set for the tests: each source format once, in a landscape and a portrait shape. */
export const TEST_IMAGES: readonly CorpusImage[] = [
  { name: 'landscape.jpg', width: 640, height: 480, format: 'jpeg', seed: 1 },
  { name: 'portrait.png', width: 300, height: 500, format: 'png', seed: 2 },
  { name: 'photo.webp', width: 800, height: 600, format: 'webp', seed: 3 },
  { name: 'small.avif', width: 256, height: 256, format: 'avif', seed: 4 },
  // Slow enough to scale that concurrent requests for it overlap.
  { name: 'large.jpg', width: 2400, height: 1800, format: 'jpeg', seed: 5 },
];
