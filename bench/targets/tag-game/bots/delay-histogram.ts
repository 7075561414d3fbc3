/**
 * Delays in fixed 0.25 ms bins up to 10 s (one overflow bin past it): constant memory whatever the number of
 * frames, and histograms from several bot processes add up exactly before the percentiles are taken.
 */

export const BIN_MS = 0.25;
const BINS = 40_000;

/** [bin index, count] pairs of the non-empty bins: what a bot process sends back. */
export type SparseHistogram = readonly (readonly [number, number])[];

export class DelayHistogram {
  private readonly counts = new Uint32Array(BINS + 1);
  total = 0;

  record(ms: number): void {
    const bin = ms <= 0 ? 0 : Math.min(BINS, Math.floor(ms / BIN_MS));
    this.counts[bin]++;
    this.total++;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  sparse(): SparseHistogram {
    const out: [number, number][] = [];
    for (let i = 0; i <= BINS; i++) if (this.counts[i] > 0) out.push([i, this.counts[i]]);
    return out;
  }

  add(sparse: SparseHistogram): void {
    for (const [bin, count] of sparse) {
      if (!Number.isInteger(bin) || bin < 0 || bin > BINS) throw new RangeError(`histogram bin ${bin} out of range`);
      this.counts[bin] += count;
      this.total += count;
    }
  }

  /** The delay below which `q` (0..1) of the samples fall: the upper edge of the bin holding that rank (NaN when empty). */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i <= BINS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * BIN_MS;
    }
    return (BINS + 1) * BIN_MS;
  }
}
