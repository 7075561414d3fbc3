/** The results table of a run (cli-table3), grouped by connection count. */
import Table from 'cli-table3';
import type { BenchRecord, ResultEntry } from '../results/record.ts';
import { formatMegabytes, formatMs, formatPercent, formatRate, formatRatio } from './format.ts';

export interface TableOptions {
  /** Colour the header (only on a terminal). */
  readonly color?: boolean;
}

function errorsCell(entry: ResultEntry): string {
  const { non2xx, errors, timeouts } = entry.median;
  if (non2xx === 0 && errors === 0) return '0';
  // autocannon counts timeouts among errors; show them apart.
  const parts = [`${non2xx} non-2xx`, `${timeouts} timeouts`];
  if (errors - timeouts > 0) parts.push(`${errors - timeouts} other`);
  return parts.join(', ');
}

function spreadCell(entry: ResultEntry): string {
  if (entry.runs.length < 2) return '';
  const m = entry.median;
  return `±${formatPercent((m.maxRequestsPerSecond - m.minRequestsPerSecond) / 2 / m.requestsPerSecond)}`;
}

function noteCell(entry: ResultEntry): string {
  if (entry.role === 'ceiling') return 'load generator ceiling';
  return entry.cappedByLoadGenerator ? 'capped by the load generator' : '';
}

const ROLE_ORDER = { flux: 0, baseline: 1, ceiling: 2 } as const;

export function renderTable(record: BenchRecord, options: TableOptions = {}): string {
  const referenceId = record.settings.referenceBaseline;
  const reference = record.targets.find((t) => t.id === referenceId)?.label ?? referenceId ?? 'baseline';
  // Shown when the load client reported its CPU time (wrk): on a small machine it shares the cores with the server.
  const clientCpu = record.results.some((r) => r.median.loadClientCores !== undefined);
  const table = new Table({
    head: ['conns', 'target', 'req/s', 'runs ±', 'MB/s', 'p50 ms', 'p99 ms', ...(clientCpu ? ['client CPU'] : []), 'errors', `vs ${reference}`, 'note'],
    colAligns: ['right', 'left', 'right', 'right', 'right', 'right', 'right', ...(clientCpu ? ['right' as const] : []), 'right', 'right', 'left'],
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
  });
  // Within a role, the order the profile lists its targets in (baselines: node:http, raw node:net, nginx).
  const displayOrder = (entry: ResultEntry) => record.targets.findIndex((t) => t.id === entry.target);
  const connections = [...new Set(record.results.map((r) => r.connections))].sort((a, b) => a - b);
  for (const c of connections) {
    const rows = record.results
      .filter((r) => r.connections === c)
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || displayOrder(a) - displayOrder(b) || a.label.localeCompare(b.label));
    for (const entry of rows) {
      table.push([
        String(c),
        entry.label,
        formatRate(entry.median.requestsPerSecond),
        spreadCell(entry),
        formatMegabytes(entry.median.bytesPerSecond),
        formatMs(entry.median.latencyP50Ms),
        formatMs(entry.median.latencyP99Ms),
        ...(clientCpu ? [entry.median.loadClientCores === undefined ? '' : formatPercent(entry.median.loadClientCores)] : []),
        errorsCell(entry),
        entry.role === 'ceiling' ? '' : formatRatio(entry.ratioToBaseline),
        noteCell(entry),
      ]);
    }
  }
  const lines = [table.toString(), `load generator: ${record.settings.loadClient}`];
  if (clientCpu) lines.push("client CPU: the load generator's CPU time over the run's length, median (100% = one core)");
  for (const note of record.notes) {
    if (note.startsWith('the machine is busy') || note.startsWith('load generator')) lines.push(`note: ${note}`);
  }
  for (const target of record.targets) {
    if (target.skipped) lines.push(`skipped ${target.label}: ${target.skipped}`);
    if (target.error) lines.push(`FAILED ${target.label}: ${target.error}`);
  }
  return lines.join('\n');
}
