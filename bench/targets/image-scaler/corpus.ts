/**
 * The benchmark's source images: generated locally and deterministically (servers/image-scaler's corpus
 * generator), several sizes and formats, written once into a cache directory and reused while their digest
 * matches.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus, type CorpusImage } from '../../../servers/image-scaler/src/corpus/corpus.ts';

export const CORPUS_VERSION = 1;

const SHAPES: readonly (readonly [number, number])[] = [
  [640, 480], [1024, 768], [1600, 1200], [800, 800], [1920, 1080], [1200, 1600], [2048, 1536], [480, 640],
];
const FORMATS: readonly CorpusImage['format'][] = ['jpeg', 'jpeg', 'png', 'webp', 'jpeg', 'webp', 'jpeg', 'avif'];
const EXTENSIONS = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif' } as const;

export function corpusSpec(count: number): CorpusImage[] {
  return Array.from({ length: count }, (_, i) => {
    const [width, height] = SHAPES[i % SHAPES.length]!;
    const format = FORMATS[i % FORMATS.length]!;
    return { name: `img-${String(i).padStart(3, '0')}.${EXTENSIONS[format]}`, width, height, format, seed: i + 1 };
  });
}

export interface Corpus {
  readonly dir: string;
  readonly images: readonly CorpusImage[];
  readonly totalBytes: number;
  readonly digest: string;
  readonly reused: boolean;
}

export async function ensureCorpus(count: number, cacheDir?: string): Promise<Corpus> {
  const images = corpusSpec(count);
  const dir = join(cacheDir ?? join(tmpdir(), 'flux-bench'), `image-scaler-v${CORPUS_VERSION}-${count}`);
  const stamp = join(dir, '.complete');
  let reused = existsSync(stamp);
  if (!reused) {
    await rm(dir, { recursive: true, force: true });
    await writeCorpus(dir, images);
    await writeFile(stamp, '');
  }
  const hash = createHash('sha256');
  let totalBytes = 0;
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  for (const name of names) {
    const bytes = await readFile(join(dir, name));
    totalBytes += bytes.length;
    hash.update(name).update(bytes);
  }
  if (names.length !== images.length) reused = false;
  return { dir, images, totalBytes, digest: hash.digest('hex').slice(0, 16), reused };
}
