/** Renders a comparison as a terminal table (cli-table3) or as a markdown table (for CI summaries). */
import Table from 'cli-table3';
import type { Comparison, ComparisonRow } from '../results/compare.ts';
import { formatPercent, formatRate } from './format.ts';

const HEAD = ['conns', 'target', 'baseline req/s', 'current req/s', 'change', 'p', 'runs', 'verdict'];

function cells(row: ComparisonRow): string[] {
  return [
    String(row.connections),
    row.label,
    row.baselineMedian === undefined ? '' : formatRate(row.baselineMedian),
    row.currentMedian === undefined ? '' : formatRate(row.currentMedian),
    row.change === undefined ? '' : formatPercent(row.change, true),
    row.test ? (row.test.p < 0.001 ? '<0.001' : row.test.p.toFixed(3)) : '',
    `${row.baselineRuns.length} vs ${row.currentRuns.length}`,
    row.role === 'ceiling' ? `${row.verdict} (ceiling, not judged)` : row.verdict,
  ];
}

function footer(comparison: Comparison): string[] {
  const lines = [`${comparison.regressions} significant regression(s), ${comparison.improvements} significant improvement(s)`];
  for (const warning of comparison.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

export function renderComparison(comparison: Comparison, options: { color?: boolean } = {}): string {
  const table = new Table({
    head: HEAD,
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
  });
  for (const row of comparison.rows) table.push(cells(row));
  return [`baseline ${comparison.baselineId}  ->  current ${comparison.currentId}`, table.toString(), ...footer(comparison)].join('\n');
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `Baseline \`${comparison.baselineId}\` -> current \`${comparison.currentId}\``,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => (i === 1 || i === HEAD.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...comparison.rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
    '',
    ...footer(comparison),
  ];
  return lines.join('\n');
}
