/**
 * Compares two records target by target and connection count by connection count. A change counts only when
 * it is both significant (a two-sample test on the per-run throughputs, p < alpha) and large enough to matter
 * (|change| >= minChange). The ceiling target is shown, never judged: it measures the machine, not the code.
 */
import { median } from '../stats/descriptive.ts';
import { InsufficientSamplesError, mannWhitneyU, welchTTest, type TestResult } from '../stats/tests.ts';
import type { AnyRecord, ResultEntry } from './record.ts';
import type { MetricFormat } from '../scenario.ts';
import { isScenarioRecord, type ScenarioResultEntry } from './scenario-record.ts';

export type SignificanceTest = 'welch' | 'mann-whitney';

export interface CompareOptions {
  readonly alpha: number;
  /** Smallest relative change of the median that counts, e.g. 0.02 for 2%. */
  readonly minChange: number;
  readonly test: SignificanceTest;
  /**
   * Compare each run's throughput divided by the reference baseline's in the same round of the same record
   * (runs are interleaved, so the two ran moments apart): a slower or busier machine then cancels out.
   */
  readonly relative?: boolean;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { alpha: 0.05, minChange: 0.02, test: 'welch' };

export type Verdict =
  | 'regression'
  | 'improvement'
  | 'no significant change'
  | 'not enough runs'
  | 'only in baseline'
  | 'only in current'
  /** With `relative`: the reference baseline itself (always 1) or a row without it. */
  | 'reference'
  | 'no reference runs';

export interface ComparisonRow {
  readonly target: string;
  readonly label: string;
  readonly role: ResultEntry['role'];
  /** The load level: connections, or a scenario's level (players). */
  readonly connections: number;
  readonly baselineRuns: readonly number[];
  readonly currentRuns: readonly number[];
  /** What the runs hold: requests a second, a scenario's primary metric (its label), or (with `relative`) ratios to the reference baseline. */
  readonly unit: string;
  readonly baselineMedian?: number;
  readonly currentMedian?: number;
  /** (current - baseline) / baseline, on medians. */
  readonly change?: number;
  readonly test?: TestResult;
  readonly verdict: Verdict;
}

export interface Comparison {
  readonly baselineId: string;
  readonly currentId: string;
  readonly rows: readonly ComparisonRow[];
  /** Settings that differ between the two records (the comparison may not be like for like). */
  readonly warnings: readonly string[];
  readonly regressions: number;
  readonly improvements: number;
  /** The reference baseline the runs were divided by, with `relative`. */
  readonly relativeTo?: string;
  /** What the level column holds: `conns`, or a scenario's level name (`players`). */
  readonly levelName: string;
  /** How a scenario's judged metric is shown (absent: requests a second). */
  readonly metricFormat?: MetricFormat;
}

function runTest(test: SignificanceTest, a: readonly number[], b: readonly number[]): TestResult {
  return test === 'welch' ? welchTTest(a, b) : mannWhitneyU(a, b);
}

function differences(baseline: AnyRecord, current: AnyRecord): string[] {
  const warnings: string[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) warnings.push(`${what} differs: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  };
  if (baseline.profile !== current.profile) warnings.push(`profiles differ: ${baseline.profile} vs ${current.profile}`);
  same('duration', baseline.settings.durationSeconds, current.settings.durationSeconds);
  same('workload', baseline.settings.workload, current.settings.workload);
  same('load client', loadDriver(baseline), loadDriver(current));
  same('CPU', baseline.environment.cpuModel, current.environment.cpuModel);
  same('cores', baseline.environment.cores, current.environment.cores);
  same('Node.js', baseline.environment.node, current.environment.node);
  return warnings;
}

type AnyEntry = ResultEntry | ScenarioResultEntry;

function loadDriver(record: AnyRecord): string {
  return isScenarioRecord(record) ? record.settings.driver : record.settings.loadClient;
}

function levelOf(entry: AnyEntry): number {
  return 'level' in entry ? entry.level : entry.connections;
}

/** The per-run values judged: throughput, or a scenario's primary metric. */
function samples(record: AnyRecord, entry: AnyEntry): number[] {
  if (isScenarioRecord(record)) {
    const metric = record.settings.primaryMetric;
    return (entry as ScenarioResultEntry).runs.map((r) => r.metrics[metric]).filter((v) => typeof v === 'number');
  }
  return (entry as ResultEntry).runs.map((r) => r.requestsPerSecond);
}

/**
 * Per-run values of an entry: its samples, or those over the reference's in the same round (undefined when
 * the reference has no run for every round).
 */
function runValues(record: AnyRecord, entry: AnyEntry, relativeTo: string | undefined): number[] | undefined {
  const values = samples(record, entry);
  if (!relativeTo) return values;
  const reference = (record.results as readonly AnyEntry[]).find((r) => r.target === relativeTo && levelOf(r) === levelOf(entry));
  if (!reference) return undefined;
  const referenceValues = samples(record, reference);
  if (referenceValues.length < values.length) return undefined;
  return values.map((value, i) => value / referenceValues[i]);
}

export function compareRecords(baseline: AnyRecord, current: AnyRecord, options: CompareOptions = DEFAULT_COMPARE_OPTIONS): Comparison {
  const relativeTo = options.relative ? (current.settings.referenceBaseline ?? baseline.settings.referenceBaseline ?? 'node-http') : undefined;
  const scenario = isScenarioRecord(current) ? current : undefined;
  const primary = scenario?.settings.metrics.find((m) => m.name === scenario.settings.primaryMetric);
  const unit = relativeTo ? 'ratio' : primary ? primary.label : 'req/s';
  // Lower is better for some scenario metrics (a delay): then a rise is the regression.
  const sign = primary?.better === 'lower' ? -1 : 1;
  const key = (r: AnyEntry) => `${r.target}@${levelOf(r)}`;
  const before = new Map((baseline.results as readonly AnyEntry[]).map((r) => [key(r), r]));
  const after = new Map((current.results as readonly AnyEntry[]).map((r) => [key(r), r]));
  const keys = [...new Set([...after.keys(), ...before.keys()])];
  const rows: ComparisonRow[] = keys.map((k) => {
    const b = before.get(k);
    const c = after.get(k);
    const any = (c ?? b)!;
    const baselineValues = b ? runValues(baseline, b, relativeTo) : [];
    const currentValues = c ? runValues(current, c, relativeTo) : [];
    const baselineRuns = baselineValues ?? [];
    const currentRuns = currentValues ?? [];
    const common = { target: any.target, label: any.label, role: any.role, connections: levelOf(any), baselineRuns, currentRuns, unit };
    if (relativeTo && any.target === relativeTo) return { ...common, verdict: 'reference' };
    if (!baselineValues || !currentValues) return { ...common, verdict: 'no reference runs' };
    if (!b) return { ...common, currentMedian: median(currentRuns), verdict: 'only in current' };
    if (!c) return { ...common, baselineMedian: median(baselineRuns), verdict: 'only in baseline' };
    const baselineMedian = median(baselineRuns);
    const currentMedian = median(currentRuns);
    const change = baselineMedian > 0 ? (currentMedian - baselineMedian) / baselineMedian : 0;
    let test: TestResult;
    try {
      test = runTest(options.test, currentRuns, baselineRuns);
    } catch (error) {
      if (error instanceof InsufficientSamplesError) return { ...common, baselineMedian, currentMedian, change, verdict: 'not enough runs' };
      throw error;
    }
    let verdict: Verdict = 'no significant change';
    if (any.role !== 'ceiling' && test.p < options.alpha && Math.abs(change) >= options.minChange) {
      verdict = change * sign < 0 ? 'regression' : 'improvement';
    }
    return { ...common, baselineMedian, currentMedian, change, test, verdict };
  });
  rows.sort((x, y) => x.connections - y.connections || x.label.localeCompare(y.label));
  return {
    baselineId: baseline.id,
    currentId: current.id,
    rows,
    warnings: differences(baseline, current),
    regressions: rows.filter((r) => r.verdict === 'regression').length,
    improvements: rows.filter((r) => r.verdict === 'improvement').length,
    ...(relativeTo ? { relativeTo } : {}),
    levelName: scenario ? scenario.settings.level.name : 'conns',
    ...(primary && !relativeTo ? { metricFormat: primary.format } : {}),
  };
}
