/**
 * Two-sample significance tests on per-run values (one throughput figure per run, never one per request:
 * requests within a run are not independent, and counting them as samples overstates confidence).
 */
import { mean, variance } from './descriptive.ts';
import { normalCdf, studentTTwoSidedP } from './distributions.ts';

export interface TestResult {
  readonly test: 'welch' | 'mann-whitney';
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Welch only: the Welch-Satterthwaite degrees of freedom. */
  readonly df?: number;
}

export class InsufficientSamplesError extends Error {
  readonly code = 'BENCH_ERR_INSUFFICIENT_SAMPLES';
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientSamplesError';
  }
}

/** Welch's unequal-variances t-test of a against b. t > 0 when a's mean is larger. */
export function welchTTest(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length < 2 || b.length < 2) {
    throw new InsufficientSamplesError(`Welch's t-test needs at least 2 values per side (got ${a.length} and ${b.length})`);
  }
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const diff = mean(a) - mean(b);
  const se2 = va + vb;
  if (se2 === 0) {
    // No spread at all: any difference is certain, no difference is none.
    return { test: 'welch', statistic: diff === 0 ? 0 : Math.sign(diff) * Infinity, p: diff === 0 ? 1 : 0, df: a.length + b.length - 2 };
  }
  const t = diff / Math.sqrt(se2);
  const df = se2 ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { test: 'welch', statistic: t, p: studentTTwoSidedP(t, df), df };
}

/** Ranks with ties given their average rank, over the pooled sample. */
function pooledRanks(a: readonly number[], b: readonly number[]): { ranksA: number[]; tieGroups: number[] } {
  const pooled = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))].sort((x, y) => x.v - y.v);
  const ranksA: number[] = [];
  const tieGroups: number[] = [];
  let i = 0;
  while (i < pooled.length) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (pooled[k].fromA) ranksA.push(rank);
    if (j > i) tieGroups.push(j - i + 1);
    i = j + 1;
  }
  return { ranksA, tieGroups };
}

/** Number of ways to reach each U value, for the exact null distribution (no ties). */
function exactUCounts(n1: number, n2: number): number[] {
  // counts[i][j][u] via the recurrence c(i, j, u) = c(i - 1, j, u - j) + c(i, j - 1, u); keep a 2D table per i.
  let previous: number[][] = [];
  for (let i = 0; i <= n1; i++) {
    const current: number[][] = [];
    for (let j = 0; j <= n2; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      if (i === 0 || j === 0) row[0] = 1;
      else {
        const left = previous[j];
        const down = current[j - 1];
        for (let u = 0; u < size; u++) row[u] = (u - j >= 0 && u - j < left.length ? left[u - j] : 0) + (u < down.length ? down[u] : 0);
      }
      current.push(row);
    }
    previous = current;
  }
  return previous[n2];
}

/**
 * The Mann-Whitney U test (two-sided). Exact null distribution when there are no ties and the samples are small,
 * otherwise the normal approximation with tie and continuity corrections. The statistic is U of sample a.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length < 1 || b.length < 1) {
    throw new InsufficientSamplesError(`the Mann-Whitney U test needs at least 1 value per side (got ${a.length} and ${b.length})`);
  }
  const n1 = a.length;
  const n2 = b.length;
  const { ranksA, tieGroups } = pooledRanks(a, b);
  const rankSum = ranksA.reduce((s, r) => s + r, 0);
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  if (tieGroups.length === 0 && n1 + n2 <= 40) {
    const counts = exactUCounts(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    let tail = 0;
    for (let k = 0; k <= Math.floor(u); k++) tail += counts[k];
    return { test: 'mann-whitney', statistic: u1, p: Math.min(1, (2 * tail) / total) };
  }
  const n = n1 + n2;
  const tieTerm = tieGroups.reduce((s, t) => s + (t ** 3 - t), 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { test: 'mann-whitney', statistic: u1, p: 1 };
  const z = (Math.abs(u1 - (n1 * n2) / 2) - 0.5) / sigma;
  return { test: 'mann-whitney', statistic: u1, p: Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0)))) };
}
