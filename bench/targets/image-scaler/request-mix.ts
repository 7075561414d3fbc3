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

/**
 * The first `length` requests of the mix with every request a hot key: the sequence the load process starts
 * each all-hit run with, fixed, for a client that replays paths from a file (wrk, in all-hit mode).
 */
export function hotSequence(spec: MixSpec, length: number): string[] {
  const mix = new RequestMix({ ...spec, hitRatio: 1 });
  return Array.from({ length }, () => mix.next());
}

export class RequestMix {
  readonly hot: readonly string[];
  private readonly spec: MixSpec;
  private readonly zipf: ZipfSampler;
  private prng: Prng;
  /**
   * Counts misses over the life of the mix, so that a miss key is never repeated, even across runs. One mix per
   * target (see load-process.ts): every target sees the same keys in the same order.
   */
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

  /**
   * The n-th miss key: a key no hot key and no other miss has. Uniqueness comes from parameters that barely
   * change the work (width 300-399, quality 30-89 without 80; then heights), so a miss costs about the same
   * whether it is the tenth or the ten-thousandth: targets that get further into the sequence are not penalised.
   */
  missPath(n: number): string {
    const { images, formats } = this.spec;
    const image = images[n % images.length]!;
    let rest = Math.floor(n / images.length);
    const format = formats[rest % formats.length]!;
    rest = Math.floor(rest / formats.length);
    const width = 300 + (rest % 100);
    rest = Math.floor(rest / 100);
    const qualities = 59; // 30..89 without 80, which hot keys use
    let quality = 30 + (rest % qualities);
    if (quality >= 80) quality += 1;
    const cycle = Math.floor(rest / qualities);
    const height = cycle === 0 ? '' : `&h=${200 + (cycle % 100)}`;
    return `/images/${image}?w=${width}${height}&format=${format}&q=${quality}`;
  }
}
