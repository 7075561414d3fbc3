/** `bench compare`: the latest (or a chosen) record against a stored one, with a significance test. */
import { existsSync } from 'node:fs';
import { BenchError, benchCodes } from '../errors.ts';
import { renderComparison, renderComparisonMarkdown } from '../report/comparison-table.ts';
import { compareRecords, type Comparison, type SignificanceTest } from '../results/compare.ts';
import { findRecord, loadRecordFile, readHistory } from '../results/history.ts';
import type { AnyRecord } from '../results/record.ts';
import { parsePositiveNumber } from './parse.ts';

export interface CompareCommandOptions {
  readonly baseline?: string;
  readonly current?: string;
  readonly history: string;
  readonly alpha: string;
  readonly minChange: string;
  readonly test: string;
  readonly failOnRegression?: boolean;
  readonly relative?: boolean;
  readonly markdown?: boolean;
  /** Where the comparison is printed (stdout by default). */
  readonly write?: (text: string) => void;
}

/** A record id (or unique prefix) in the history, or a file (a results.json, or a JSONL history: its last record). */
async function resolveRecord(reference: string, records: readonly AnyRecord[]): Promise<AnyRecord> {
  if (existsSync(reference)) return loadRecordFile(reference);
  return findRecord(records, reference);
}

export async function compareCommand(options: CompareCommandOptions): Promise<{ comparison: Comparison; exitCode: number }> {
  const test = options.test as SignificanceTest;
  if (test !== 'welch' && test !== 'mann-whitney') throw new BenchError(benchCodes.USAGE, `--test must be welch or mann-whitney, got "${options.test}"`);
  const alpha = parsePositiveNumber('--alpha', options.alpha);
  if (alpha >= 1) throw new BenchError(benchCodes.USAGE, '--alpha must be below 1');
  const minChange = parsePositiveNumber('--min-change', options.minChange, { allowZero: true });

  const { records, rejected } = await readHistory(options.history);
  for (const line of rejected) process.stderr.write(`warning: skipped ${line}\n`);

  const current = options.current ? await resolveRecord(options.current, records) : records[records.length - 1];
  if (!current) throw new BenchError(benchCodes.RECORD, `no records in ${options.history}; run a benchmark first or pass --current`);
  let baseline: AnyRecord | undefined;
  if (options.baseline) baseline = await resolveRecord(options.baseline, records);
  else {
    // The latest earlier record of the same profile and workload (a run of another request mix is no baseline);
    // failing that, the latest of the same profile, and compareRecords warns that the workloads differ.
    const index = records.findIndex((r) => r.id === current.id);
    const earlier = [...(index >= 0 ? records.slice(0, index) : records)].reverse()
      .filter((r) => r.profile === current.profile && r.id !== current.id);
    const workload = stableJson(current.settings.workload);
    baseline = earlier.find((r) => stableJson(r.settings.workload) === workload) ?? earlier[0];
  }
  if (!baseline) throw new BenchError(benchCodes.RECORD, `no earlier ${current.profile} record to compare ${current.id} with; pass --baseline <id|file>`);

  const comparison = compareRecords(baseline, current, { alpha, minChange, test, relative: Boolean(options.relative) });
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  write((options.markdown ? renderComparisonMarkdown(comparison) : renderComparison(comparison, { color: Boolean(process.stdout.isTTY) })) + '\n');
  const exitCode = options.failOnRegression && comparison.regressions > 0 ? 1 : 0;
  return { comparison, exitCode };
}

/** JSON with object keys sorted, so that two equal workloads compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}
