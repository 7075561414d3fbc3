/** Renders a comparison as a terminal table (cli-table3) or as a markdown table (for CI summaries). */
import Table from 'cli-table3';
import type { Comparison, ComparisonRow } from '../results/compare.ts';
import { formatMetric, formatPercent, formatRate, formatRatio } from './format.ts';

function head(comparison: Comparison): string[] {
  const what = comparison.relativeTo ? `vs ${comparison.relativeTo}` : (comparison.rows[0]?.unit ?? 'req/s');
  return [comparison.levelName, 'target', `baseline ${what}`, `current ${what}`, 'change', 'p', 'runs', 'verdict'];
}

function value(comparison: Comparison, row: ComparisonRow, v: number | undefined): string {
  if (v === undefined) return '';
  if (row.unit === 'ratio') return formatRatio(v);
  return comparison.metricFormat ? formatMetric(comparison.metricFormat, v) : formatRate(v);
}

function cells(comparison: Comparison, row: ComparisonRow): string[] {
  return [
    String(row.connections),
    row.label,
    value(comparison, row, row.baselineMedian),
    value(comparison, row, row.currentMedian),
    row.change === undefined ? '' : formatPercent(row.change, true),
    row.test ? (row.test.p < 0.001 ? '<0.001' : row.test.p.toFixed(3)) : '',
    `${row.baselineRuns.length} vs ${row.currentRuns.length}`,
    row.role === 'ceiling' ? `${row.verdict} (ceiling, not judged)` : row.verdict,
  ];
}

function footer(comparison: Comparison): string[] {
  const lines = [`${comparison.regressions} significant regression(s), ${comparison.improvements} significant improvement(s)`];
  if (comparison.relativeTo) lines.push(`per-run throughput divided by ${comparison.relativeTo}'s in the same round`);
  for (const warning of comparison.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

export function renderComparison(comparison: Comparison, options: { color?: boolean } = {}): string {
  const table = new Table({
    head: head(comparison),
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
  });
  for (const row of comparison.rows) table.push(cells(comparison, row));
  return [`baseline ${comparison.baselineId}  ->  current ${comparison.currentId}`, table.toString(), ...footer(comparison)].join('\n');
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const columns = head(comparison);
  const lines = [
    `Baseline \`${comparison.baselineId}\` -> current \`${comparison.currentId}\``,
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (i === 1 || i === columns.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...comparison.rows.map((row) => `| ${cells(comparison, row).map(escape).join(' | ')} |`),
    '',
    ...footer(comparison),
  ];
  return lines.join('\n');
}
