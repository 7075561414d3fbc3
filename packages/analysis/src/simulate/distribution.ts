/**
 * Service-time distributions the simulator draws from, in µs: empirical (a runtime histogram), exponential,
 * deterministic. Each knows its mean, so the analytic predictors and the simulator read the same numbers.
 */
import type { Prng } from './prng.ts';

export interface HistogramInput {
  scale?: string;
  count: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
  buckets: number[];
}

export interface Distribution {
  readonly mean: number;
  sample(rng: Prng): number;
  /** The same shape with every value multiplied by `factor`. */
  scaled(factor: number): Distribution;
  describe(): string;
}

export class Deterministic implements Distribution {
  readonly mean: number;
  constructor(value: number) {
    this.mean = value;
  }
  sample(): number {
    return this.mean;
  }
  scaled(factor: number): Distribution {
    return new Deterministic(this.mean * factor);
  }
  describe(): string {
    return `deterministic ${fmt(this.mean)} us`;
  }
}

export class Exponential implements Distribution {
  readonly mean: number;
  constructor(mean: number) {
    this.mean = mean;
  }
  sample(rng: Prng): number {
    return rng.exponential(this.mean);
  }
  scaled(factor: number): Distribution {
    return new Exponential(this.mean * factor);
  }
  describe(): string {
    return `exponential, mean ${fmt(this.mean)} us`;
  }
}

/**
 * Drawn from a log2/4 histogram: a bucket by its share of the count, then uniformly within the bucket (clamped
 * to the recorded min and max), then multiplied so that the mean is the recorded one (sumUs / count) exactly:
 * the buckets are 19% wide, and the mean is what throughput depends on.
 */
export class Empirical implements Distribution {
  readonly mean: number;
  private readonly cumulative: Float64Array;
  private readonly low: Float64Array;
  private readonly width: Float64Array;
  private readonly factor: number;
  private readonly source: HistogramInput;

  constructor(h: HistogramInput, factor = 1) {
    if (!(h.count > 0)) throw new Error('an empirical distribution needs a histogram with at least one value');
    this.source = h;
    const cum: number[] = [];
    const low: number[] = [];
    const width: number[] = [];
    let total = 0;
    let weighted = 0;
    h.buckets.forEach((c, i) => {
      if (!(c > 0)) return;
      const lo = Math.max(i === 0 ? 0 : 2 ** (i / 4), h.minUs);
      const hi = Math.max(lo, Math.min(2 ** ((i + 1) / 4), h.maxUs));
      total += c;
      weighted += c * (lo + hi) / 2;
      cum.push(total);
      low.push(lo);
      width.push(hi - lo);
    });
    if (total === 0) throw new Error('histogram has a count but no bucket holds anything');
    for (let i = 0; i < cum.length; i++) cum[i]! /= total;
    cum[cum.length - 1] = 1;
    this.cumulative = Float64Array.from(cum);
    this.low = Float64Array.from(low);
    this.width = Float64Array.from(width);
    const recordedMean = h.sumUs / h.count;
    const impliedMean = weighted / total;
    this.factor = factor * (impliedMean > 0 && recordedMean > 0 ? recordedMean / impliedMean : 1);
    this.mean = recordedMean * factor;
  }

  sample(rng: Prng): number {
    const u = rng.next();
    const cum = this.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return (this.low[lo]! + this.width[lo]! * rng.next()) * this.factor;
  }

  scaled(factor: number): Distribution {
    return new Empirical(this.source, factor * (this.mean / (this.source.sumUs / this.source.count)));
  }

  describe(): string {
    return `empirical (${this.source.count} samples), mean ${fmt(this.mean)} us`;
  }
}

export const ZERO: Distribution = new Deterministic(0);

/** A histogram's distribution, or a fixed value when it has no samples. */
export function fromHistogram(h: HistogramInput | undefined, fallbackMeanUs = 0): Distribution {
  if (h === undefined || !(h.count > 0)) return new Deterministic(fallbackMeanUs);
  if (h.minUs === h.maxUs) return new Deterministic(h.minUs);
  return new Empirical(h);
}

/**
 * The histogram without the values above `factor` times its median: on an oversubscribed machine a short
 * synchronous call timed by the wall clock sometimes includes the time the OS gave its core to someone else.
 */
export function cutAboveMedian(h: HistogramInput, factor: number): HistogramInput {
  if (!(h.count > 0)) return h;
  let seen = 0;
  let median = h.maxUs;
  for (let i = 0; i < h.buckets.length; i++) {
    seen += h.buckets[i]!;
    if (seen >= h.count / 2) {
      median = Math.min(h.maxUs, Math.max(h.minUs, 2 ** ((i + 0.5) / 4)));
      break;
    }
  }
  const cut = median * factor;
  const buckets: number[] = [];
  let count = 0;
  let sum = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const lo = Math.max(i === 0 ? 0 : 2 ** (i / 4), h.minUs);
    if (lo > cut) break;
    const hi = Math.min(2 ** ((i + 1) / 4), h.maxUs, cut);
    const c = h.buckets[i]!;
    buckets.push(c);
    count += c;
    sum += c * (lo + Math.max(lo, hi)) / 2;
  }
  if (count === h.count) return h;
  return { scale: h.scale, count, sumUs: sum, minUs: h.minUs, maxUs: Math.min(h.maxUs, cut), buckets };
}

/** A histogram of values computed exactly (tests, synthetic profiles). */
export function histogramOf(values: Iterable<number>): HistogramInput {
  const buckets: number[] = [];
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    const i = v >= 1 ? Math.floor(Math.log2(v) * 4) : 0;
    while (buckets.length <= i) buckets.push(0);
    buckets[i]!++;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { scale: 'log2/4-us', count, sumUs: sum, minUs: count > 0 ? min : 0, maxUs: count > 0 ? max : 0, buckets };
}

function fmt(us: number): string {
  return us >= 100 ? us.toFixed(0) : us.toPrecision(3);
}
