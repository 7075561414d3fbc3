/**
 * The image-scaler request mix: each request is, with probability `hitRatio`, a "hot" key drawn by Zipf rank
 * from a fixed set of (image, size, format) keys (these stay cached once warm), and otherwise a key never asked
 * before (a guaranteed miss: a fresh width and quality). Seeded, so every target sees the same sequence of choices.
 */
import { createPrng, type Prng } from '../../src/workload/prng.ts';
import { createZipfSampler, type ZipfSampler } from '../../src/workload/zipf.ts';

export interface MixSpec {
  /** Source image names. */
  readonly images: readonly string[];
  /** Target widths of the hot keys. */
  readonly widths: readonly number[];
  /** Output formats of the hot keys (and, in turn, of the misses). */
  readonly formats: readonly string[];
  /** 0 = every request a miss, 1 = every request a hot key. */
  readonly hitRatio: number;
  readonly zipfExponent: number;
  readonly seed: number;
}

/** Every hot key's path, most popular first (rank order is shuffled by the seed, so no image is always first). */
export function hotPaths(spec: MixSpec): string[] {
  const paths: string[] = [];
  for (const image of spec.images) {
    for (const width of spec.widths) {
      for (const format of spec.formats) paths.push(`/images/${image}?w=${width}&format=${format}`);
    }
  }
  const prng = createPrng(spec.seed ^ 0x5eed);
  for (let i = paths.length - 1; i > 0; i--) {
    const j = prng.nextUint32() % (i + 1);
    [paths[i], paths[j]] = [paths[j]!, paths[i]!];
  }
  return paths;
}

export class RequestMix {
  readonly hot: readonly string[];
  private readonly spec: MixSpec;
  private readonly zipf: ZipfSampler;
  private prng: Prng;
  /** Counts misses over the life of the mix, so that a miss key is never repeated, even across runs. */
  private missCounter = 0;

  constructor(spec: MixSpec) {
    this.spec = spec;
    this.hot = hotPaths(spec);
    this.zipf = createZipfSampler(this.hot.length, spec.zipfExponent);
    this.prng = createPrng(spec.seed);
  }

  /** Starts the random choices over (each run does), keeping miss keys unique. */
  restart(): void {
    this.prng = createPrng(this.spec.seed);
  }

  next(): string {
    if (this.spec.hitRatio >= 1 || (this.spec.hitRatio > 0 && this.prng.next() < this.spec.hitRatio)) {
      return this.hot[this.zipf.sample(this.prng)]!;
    }
    return this.missPath(this.missCounter++);
  }

  /** A key no hot key and no other miss has: width 100-1099, quality 30-89 (never 80, which hot keys use). */
  missPath(n: number): string {
    const { images, formats } = this.spec;
    const image = images[n % images.length]!;
    let rest = Math.floor(n / images.length);
    const format = formats[rest % formats.length]!;
    rest = Math.floor(rest / formats.length);
    const width = 100 + (rest % 1000);
    rest = Math.floor(rest / 1000);
    const qualities = 59; // 30..89 without 80
    let quality = 30 + (rest % qualities);
    if (quality >= 80) quality += 1;
    const cycle = Math.floor(rest / qualities);
    // Past 59000 x images x formats misses, heights make keys unique again.
    const height = cycle === 0 ? '' : `&h=${cycle}`;
    return `/images/${image}?w=${width}${height}&format=${format}&q=${quality}`;
  }
}
