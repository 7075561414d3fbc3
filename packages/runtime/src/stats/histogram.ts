/**
 * A log-bucketed histogram of microseconds: bucket i counts values in [2^(i/4), 2^((i+1)/4)) µs (bucket 0
 * also takes everything below 1 µs); 4 buckets per doubling, each about 19% wide. Recording is a log, a
 * floor and an increment, so the runtime can leave it on for the calls it already times.
 *
 * The JSON form (`HistogramJson`) is what snapshots carry and what `flux profile` / `flux simulate` read:
 * `buckets` is trimmed after its last non-empty bucket, so its length varies; merging pads.
 */

export interface HistogramJson {
  scale: 'log2/4-us';
  count: number;
  sumUs: number;
  /** Smallest and largest value recorded (0 and 0 when empty). */
  minUs: number;
  maxUs: number;
  buckets: number[];
}

/** Buckets per doubling. */
const PER_DOUBLING = 4;
/** The last bucket takes everything from 2^40 µs (about 12.7 days) up. */
export const MAX_BUCKET = 40 * PER_DOUBLING;

/** The bucket a value in µs falls into. */
export function bucketOf(us: number): number {
  if (!(us >= 1)) return 0; // also NaN and negatives: a clock that went backwards is not a reason to throw
  const i = Math.floor(Math.log2(us) * PER_DOUBLING);
  return i < MAX_BUCKET ? i : MAX_BUCKET;
}

/** [low, high) of bucket i in µs; bucket 0 reports [0, 2^(1/4)) because it also takes values below 1 µs. */
export function bucketBounds(i: number): [number, number] {
  const low = i === 0 ? 0 : 2 ** (i / PER_DOUBLING);
  const high = i >= MAX_BUCKET ? Infinity : 2 ** ((i + 1) / PER_DOUBLING);
  return [low, high];
}

export function emptyHistogram(): HistogramJson {
  return { scale: 'log2/4-us', count: 0, sumUs: 0, minUs: 0, maxUs: 0, buckets: [] };
}

export class LogHistogram {
  private readonly counts = new Float64Array(MAX_BUCKET + 1);
  private highest = -1;
  count = 0;
  sumUs = 0;
  minUs = Infinity;
  maxUs = -Infinity;

  record(us: number): void {
    const i = bucketOf(us);
    this.counts[i]!++;
    if (i > this.highest) this.highest = i;
    this.count++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other: HistogramJson): void {
    if (other.count === 0) return;
    const n = Math.min(other.buckets.length, MAX_BUCKET + 1);
    for (let i = 0; i < n; i++) {
      const c = other.buckets[i]!;
      if (c === 0) continue;
      this.counts[i]! += c;
      if (i > this.highest) this.highest = i;
    }
    this.count += other.count;
    this.sumUs += other.sumUs;
    if (other.minUs < this.minUs) this.minUs = other.minUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  toJSON(): HistogramJson {
    if (this.count === 0) return emptyHistogram();
    return {
      scale: 'log2/4-us',
      count: this.count,
      sumUs: this.sumUs,
      minUs: this.minUs,
      maxUs: this.maxUs,
      buckets: Array.from(this.counts.subarray(0, this.highest + 1)),
    };
  }

  static from(h: HistogramJson): LogHistogram {
    const out = new LogHistogram();
    out.merge(h);
    return out;
  }
}

/** The sum of histograms, as JSON. */
export function mergeHistograms(hs: readonly (HistogramJson | undefined)[]): HistogramJson {
  const out = new LogHistogram();
  for (const h of hs) if (h !== undefined) out.merge(h);
  return out.toJSON();
}

/** Mean in µs (0 when empty). */
export function mean(h: HistogramJson): number {
  return h.count > 0 ? h.sumUs / h.count : 0;
}

/**
 * The q-quantile (0..1) in µs: the bucket holding the rank, interpolated linearly within the bucket, clamped
 * to the recorded min and max. 0 when empty.
 */
export function quantile(h: HistogramJson, q: number): number {
  if (h.count === 0) return 0;
  if (q <= 0) return h.minUs;
  if (q >= 1) return h.maxUs;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const c = h.buckets[i]!;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const [low, high] = bucketBounds(i);
      const lo = Math.max(low, h.minUs);
      const hi = Math.min(high, h.maxUs);
      const v = lo + ((rank - seen) / c) * (hi - lo);
      return Math.min(Math.max(v, h.minUs), h.maxUs);
    }
    seen += c;
  }
  return h.maxUs;
}
