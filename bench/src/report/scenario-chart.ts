/**
 * The chart of a scenario run, as SVG: the profile's two chart metrics against its level (players), one line per
 * runtime and baseline, the spread of the runs as bars. Vega-Lite compiled to Vega and rendered headless.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { ScenarioRecord } from '../results/scenario-record.ts';

export function scenarioChartSpec(record: ScenarioRecord): vegaLite.TopLevelSpec {
  const s = record.settings;
  const levels = [...new Set(record.results.map((r) => r.level))].sort((a, b) => a - b);
  const logScale = levels.length > 1 && levels[0] > 0 && levels[levels.length - 1] / levels[0] >= 10;
  const x = {
    field: 'level',
    type: 'quantitative' as const,
    title: s.level.name,
    scale: logScale ? { type: 'log' as const } : { zero: false },
    axis: { values: levels, format: 'd' },
  };
  const color = { field: 'target', type: 'nominal' as const, title: null, legend: { labelLimit: 320 } };
  const panel = (name: string) => {
    const metric = s.metrics.find((m) => m.name === name);
    const title = metric?.label ?? name;
    const values = record.results
      .filter((r) => r.median[name] !== undefined)
      .map((r) => ({ target: r.label, level: r.level, value: r.median[name], low: r.spread[name]?.[0], high: r.spread[name]?.[1] }));
    return {
      width: 360,
      height: 260,
      title,
      data: { values },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'value', type: 'quantitative', title }, color } },
        { mark: { type: 'rule', opacity: 0.6 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${record.profile}: against ${s.level.name} (${s.driver})`,
      subtitle: `median of ${s.runs} run(s) of ${s.durationSeconds} s; ${record.environment.cpuModel}, ${record.environment.cores} cores; ${record.git.commit?.slice(0, 7) ?? 'no git'}${record.git.dirty ? ' (dirty)' : ''}`,
    },
    hconcat: s.chartMetrics.map(panel),
    config: { font: 'sans-serif' },
  } as unknown as vegaLite.TopLevelSpec;
}

export async function renderScenarioChartSvg(record: ScenarioRecord): Promise<string> {
  const compiled = vegaLite.compile(scenarioChartSpec(record)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
