/**
 * The throughput-against-connections chart of a run, as SVG, like the Flux paper's figures: one line per
 * runtime and baseline, the load generator's ceiling dashed, the spread of the runs as bars. Vega-Lite compiled
 * to Vega and rendered headless (no browser, no canvas).
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { BenchRecord } from '../results/record.ts';

interface Point {
  readonly target: string;
  readonly ceiling: boolean;
  readonly connections: number;
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  readonly mbps: number;
}

function points(record: BenchRecord): Point[] {
  return record.results.map((r) => ({
    target: r.label,
    ceiling: r.role === 'ceiling',
    connections: r.connections,
    rps: r.median.requestsPerSecond,
    rpsMin: r.median.minRequestsPerSecond,
    rpsMax: r.median.maxRequestsPerSecond,
    mbps: r.median.bytesPerSecond / 1e6,
  }));
}

export function chartSpec(record: BenchRecord): vegaLite.TopLevelSpec {
  const connections = [...new Set(record.results.map((r) => r.connections))].sort((a, b) => a - b);
  const logScale = connections.length > 1 && connections[0] > 0 && connections[connections.length - 1] / connections[0] >= 10;
  const x = {
    field: 'connections',
    type: 'quantitative' as const,
    title: 'connections',
    scale: logScale ? { type: 'log' as const } : { zero: false },
    axis: { values: connections, format: 'd' },
  };
  const color = { field: 'target', type: 'nominal' as const, title: null, legend: { labelLimit: 320 } };
  const dash = {
    field: 'ceiling',
    type: 'nominal' as const,
    scale: { domain: [false, true], range: [[1, 0], [4, 3]] },
    legend: null,
  };
  const panel = (field: 'rps' | 'mbps', title: string, withSpread: boolean) => ({
    width: 360,
    height: 260,
    title,
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: { x, y: { field, type: 'quantitative', title }, color, strokeDash: dash },
      },
      ...(withSpread
        ? [
            {
              mark: { type: 'rule' as const, opacity: 0.6 },
              encoding: { x, y: { field: 'rpsMin', type: 'quantitative' as const }, y2: { field: 'rpsMax' }, color },
            },
          ]
        : []),
    ],
  });
  const s = record.settings;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${record.profile}: throughput against connections (load: ${s.loadClient})`,
      subtitle: `median of ${s.runs} run(s) of ${s.durationSeconds} s; ${record.environment.cpuModel}, ${record.environment.cores} cores; ${record.git.commit?.slice(0, 7) ?? 'no git'}${record.git.dirty ? ' (dirty)' : ''}`,
    },
    data: { values: points(record) },
    hconcat: [panel('rps', 'requests / s', true), panel('mbps', 'MB / s', false)],
    config: { font: 'sans-serif' },
  } as unknown as vegaLite.TopLevelSpec;
}

export async function renderChartSvg(record: BenchRecord): Promise<string> {
  const compiled = vegaLite.compile(chartSpec(record)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
