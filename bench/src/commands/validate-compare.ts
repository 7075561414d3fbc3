/**
 * Predicted against measured, per cell (runtime, cores, connections): each predictor's relative error on
 * throughput and p50 latency, the peak throughput per configuration, and which predictor came closest.
 */

export interface PredictorRow {
  throughput: number;
  p50Ms: number;
  p99Ms?: number;
}

export interface Cell {
  runtime: string;
  cores: number;
  connections: number;
  /** Share of a core a spinning thread got on the cell's cores before its runs (mean): the machine's other load. */
  background?: number;
  measured: (PredictorRow & { runs?: number[]; serverCpuUs?: number; errors?: number }) | null;
  simulator: PredictorRow;
  bounds: PredictorRow;
  usl: PredictorRow | null;
  /** The USL was fitted on this cell's measurement (1 and 10 connections): not a prediction there. */
  uslFitted: boolean;
}

export type PredictorName = 'simulator' | 'bounds' | 'usl';

export interface Summary {
  /** Per configuration: measured and predicted peak throughput (max over the connection counts). */
  peaks: { runtime: string; cores: number; measured: number; simulator: number; bounds: number; usl: number | null; simulatorError: number }[];
  /** Cells where all three predictors predicted (USL not fitted there): how often each was closest on throughput. */
  closest: Record<PredictorName, number>;
  comparable: number;
  /** Cells with the simulator's throughput within 10% / p50 within 20%. */
  throughputWithin10: number;
  p50Within20: number;
  cells: number;
}

/** Signed relative error, predicted / measured - 1. */
export function relativeError(predicted: number | undefined, measured: number | undefined): number {
  if (predicted === undefined || measured === undefined || !(measured > 0) || !Number.isFinite(predicted)) return NaN;
  return predicted / measured - 1;
}

export function compareCells(cells: readonly Cell[]): Summary {
  const closest: Record<PredictorName, number> = { simulator: 0, bounds: 0, usl: 0 };
  let comparable = 0;
  let throughputWithin10 = 0;
  let p50Within20 = 0;
  let counted = 0;
  for (const c of cells) {
    if (c.measured === null) continue;
    counted++;
    if (Math.abs(relativeError(c.simulator.throughput, c.measured.throughput)) <= 0.1) throughputWithin10++;
    if (Math.abs(relativeError(c.simulator.p50Ms, c.measured.p50Ms)) <= 0.2) p50Within20++;
    if (c.usl === null || c.uslFitted) continue;
    comparable++;
    const errs: [PredictorName, number][] = [
      ['simulator', Math.abs(relativeError(c.simulator.throughput, c.measured.throughput))],
      ['bounds', Math.abs(relativeError(c.bounds.throughput, c.measured.throughput))],
      ['usl', Math.abs(relativeError(c.usl.throughput, c.measured.throughput))],
    ];
    errs.sort((a, b) => a[1] - b[1]);
    closest[errs[0]![0]]++;
  }
  const configs = new Map<string, Cell[]>();
  for (const c of cells) {
    const k = `${c.runtime}/${c.cores}`;
    if (!configs.has(k)) configs.set(k, []);
    configs.get(k)!.push(c);
  }
  const peaks = [...configs.values()].map((list) => {
    const max = (f: (c: Cell) => number | undefined) => Math.max(...list.map((c) => f(c) ?? NaN).filter(Number.isFinite));
    const measured = max((c) => c.measured?.throughput);
    const simulator = max((c) => c.simulator.throughput);
    const usl = list.some((c) => c.usl !== null) ? max((c) => c.usl?.throughput) : null;
    return { runtime: list[0]!.runtime, cores: list[0]!.cores, measured, simulator, bounds: max((c) => c.bounds.throughput), usl, simulatorError: relativeError(simulator, measured) };
  });
  return { peaks, closest, comparable, throughputWithin10, p50Within20, cells: counted };
}

const pct = (e: number): string => (Number.isFinite(e) ? `${e >= 0 ? '+' : ''}${(e * 100).toFixed(0)}%` : '-');
const num = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));

export function renderValidation(cells: readonly Cell[], summary: Summary): string {
  const lines: string[] = [];
  const head = ['runtime', 'cores', 'conns', 'share', 'measured req/s', 'sim req/s', 'bounds', 'usl', 'measured p50', 'sim p50', 'bounds p50', 'usl p50', 'sim p99 / meas'];
  const rows = cells.map((c) => {
    const m = c.measured;
    return [
      c.runtime, String(c.cores), String(c.connections), c.background === undefined ? '-' : c.background.toFixed(2),
      m ? num(m.throughput) : 'FAILED',
      `${num(c.simulator.throughput)} ${pct(relativeError(c.simulator.throughput, m?.throughput))}`,
      `${num(c.bounds.throughput)} ${pct(relativeError(c.bounds.throughput, m?.throughput))}`,
      c.usl ? `${num(c.usl.throughput)} ${c.uslFitted ? '(fit)' : pct(relativeError(c.usl.throughput, m?.throughput))}` : '-',
      m ? `${num(m.p50Ms)} ms` : '-',
      `${num(c.simulator.p50Ms)} ${pct(relativeError(c.simulator.p50Ms, m?.p50Ms))}`,
      `${num(c.bounds.p50Ms)} ${pct(relativeError(c.bounds.p50Ms, m?.p50Ms))}`,
      c.usl ? `${num(c.usl.p50Ms)} ${c.uslFitted ? '(fit)' : pct(relativeError(c.usl.p50Ms, m?.p50Ms))}` : '-',
      `${num(c.simulator.p99Ms)} / ${num(m?.p99Ms)}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  lines.push('', 'peak throughput (max over connection counts):');
  for (const p of summary.peaks) {
    lines.push(`  ${p.runtime.padEnd(10)} ${p.cores} core${p.cores > 1 ? 's' : ' '}  measured ${num(p.measured)}  simulator ${num(p.simulator)} (${pct(p.simulatorError)})  bounds ${num(p.bounds)} (${pct(relativeError(p.bounds, p.measured))})  usl ${num(p.usl ?? undefined)} (${pct(relativeError(p.usl ?? undefined, p.measured))})`);
  }
  lines.push(
    '',
    `simulator: throughput within 10% in ${summary.throughputWithin10}/${summary.cells} cells, p50 within 20% in ${summary.p50Within20}/${summary.cells}`,
    `closest on throughput, in the ${summary.comparable} cells where all three predict (USL fitted at 1 and 10): simulator ${summary.closest.simulator}, bounds ${summary.closest.bounds}, usl ${summary.closest.usl}`,
  );
  return `${lines.join('\n')}\n`;
}
