import type { Prng } from './prng.ts';

/**
 * Samples ranks 0..n-1 with P(rank k) proportional to 1 / (k + 1)^exponent (Zipf's law; exponent 1 is the
 * classic web-popularity model). A cumulative table and a binary search: O(n) memory, O(log n) a draw.
 */
export interface ZipfSampler {
  readonly size: number;
  /** The probability of rank k. */
  probability(rank: number): number;
  sample(prng: Prng): number;
}

export function createZipfSampler(size: number, exponent = 1): ZipfSampler {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`Zipf sampler size must be a positive integer, got ${size}`);
  if (!(exponent >= 0)) throw new RangeError(`Zipf exponent must be >= 0, got ${exponent}`);
  const weights = Array.from({ length: size }, (_, k) => 1 / (k + 1) ** exponent);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(size);
  let running = 0;
  for (let k = 0; k < size; k++) {
    running += weights[k] / total;
    cumulative[k] = running;
  }
  cumulative[size - 1] = 1;
  return {
    size,
    probability: (rank) => (rank >= 0 && rank < size ? weights[rank] / total : 0),
    sample(prng) {
      const u = prng.next();
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulative[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

/** Samples an index from fixed weights (they need not sum to 1). */
export function createWeightedSampler(weights: readonly number[]): (prng: Prng) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('weights must sum to a positive number');
  const cumulative: number[] = [];
  let running = 0;
  for (const w of weights) {
    running += w / total;
    cumulative.push(running);
  }
  cumulative[cumulative.length - 1] = 1;
  return (prng) => {
    const u = prng.next();
    for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
    return cumulative.length - 1;
  };
}
