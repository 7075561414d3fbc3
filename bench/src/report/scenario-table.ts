/** The results table of a scenario run (cli-table3): a row per level and target, a column per metric. */
import Table from 'cli-table3';
import type { ScenarioRecord, ScenarioResultEntry } from '../results/scenario-record.ts';
import { formatMetric, formatPercent, formatRatio } from './format.ts';

const ROLE_ORDER = { flux: 0, baseline: 1, ceiling: 2 } as const;

function spreadCell(entry: ScenarioResultEntry, primary: string): string {
  const range = entry.spread[primary];
  const m = entry.median[primary];
  if (entry.runs.length < 2 || !range || !m) return '';
  return `±${formatPercent((range[1] - range[0]) / 2 / Math.abs(m))}`;
}

export function renderScenarioTable(record: ScenarioRecord, options: { color?: boolean } = {}): string {
  const s = record.settings;
  const primary = s.metrics.find((m) => m.name === s.primaryMetric);
  const referenceId = s.referenceBaseline;
  const reference = record.targets.find((t) => t.id === referenceId)?.label ?? referenceId;
  const withHolds = record.results.some((r) => r.holds !== undefined);
  const table = new Table({
    head: [
      s.level.name, 'target', ...s.metrics.map((m) => m.label), `runs ± (${primary?.label ?? s.primaryMetric})`,
      ...(reference ? [`${primary?.label ?? s.primaryMetric} vs ${record.results.some((r) => r.reference) ? 'its baseline' : reference}`] : []), ...(withHolds ? ['holds'] : []),
    ],
    colAligns: ['right', 'left', ...s.metrics.map(() => 'right' as const), 'right', ...(reference ? ['right' as const] : []), ...(withHolds ? ['left' as const] : [])],
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
  });
  const displayOrder = (entry: ScenarioResultEntry) => record.targets.findIndex((t) => t.id === entry.target);
  const levels = [...new Set(record.results.map((r) => r.level))].sort((a, b) => a - b);
  for (const level of levels) {
    const rows = record.results
      .filter((r) => r.level === level)
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || displayOrder(a) - displayOrder(b) || a.label.localeCompare(b.label));
    for (const entry of rows) {
      table.push([
        String(level),
        entry.label,
        ...s.metrics.map((m) => formatMetric(m.format, entry.median[m.name])),
        spreadCell(entry, s.primaryMetric),
        ...(reference ? [formatRatio(entry.ratioToBaseline)] : []),
        ...(withHolds ? [entry.holds === undefined ? '' : entry.holds ? 'yes' : 'no'] : []),
      ]);
    }
  }
  const lines = [table.toString(), `driven by: ${s.driver}; median of ${s.runs} run(s) of ${s.durationSeconds} s`];
  if (record.capacity && s.capacity) {
    lines.push(`largest ${s.level.name} held (${s.capacity}; every smaller count held too):`);
    for (const c of record.capacity) {
      const against = record.targets.find((t) => t.id === c.reference)?.label ?? c.reference;
      const ratio = c.ratioToBaseline !== undefined && c.target !== c.reference ? ` (${formatRatio(c.ratioToBaseline)} ${against})` : '';
      lines.push(`  ${c.label}: ${c.largestHeld === null ? `none of those measured` : c.largestHeld}${ratio}`);
    }
  }
  for (const note of record.notes) lines.push(`note: ${note}`);
  for (const target of record.targets) {
    if (target.skipped) lines.push(`skipped ${target.label}: ${target.skipped}`);
    if (target.error) lines.push(`FAILED ${target.label}: ${target.error}`);
  }
  return lines.join('\n');
}
