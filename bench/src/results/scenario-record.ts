/**
 * The record of a scenario invocation (src/scenario.ts): like a load record, one line of the history, every run
 * kept, but a run is a set of named metrics and the sweep is the profile's level (players) instead of connections.
 */
import { max, median, min } from '../stats/descriptive.ts';
import type { TargetRole } from '../profile.ts';
import type { ScenarioMetric } from '../scenario.ts';
import type { EnvironmentInfo, GitInfo, TargetInfo } from './record.ts';

export interface ScenarioSettings {
  readonly runtimes: readonly string[];
  /** The swept setting and its values (`players`: [100, 500]). */
  readonly level: { readonly name: string; readonly values: readonly number[] };
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly seed: number;
  /** What drove the targets (the bots), like a load record's load client. */
  readonly driver: string;
  readonly metrics: readonly ScenarioMetric[];
  readonly primaryMetric: string;
  readonly chartMetrics: readonly [string, string];
  readonly referenceBaseline?: string;
  /** What the capacity line means, when the profile defines one. */
  readonly capacity?: string;
  readonly workload: Readonly<Record<string, unknown>>;
}

export interface ScenarioRun {
  /** The measured length of the run (its duration, not counting set-up). */
  readonly durationSeconds: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface ScenarioResultEntry {
  readonly target: string;
  readonly role: TargetRole;
  readonly runtime?: string;
  readonly label: string;
  readonly level: number;
  /** The baseline its ratios are taken against, when not the profile's reference baseline. */
  readonly reference?: string;
  readonly runs: readonly ScenarioRun[];
  /** Per metric: the median over the runs. */
  readonly median: Readonly<Record<string, number>>;
  /** Per metric: [smallest, largest] over the runs. */
  readonly spread: Readonly<Record<string, readonly [number, number]>>;
  /** The primary metric's median over the reference baseline's at the same level. */
  readonly ratioToBaseline?: number;
  /** Whether the medians meet the profile's capacity test. */
  readonly holds?: boolean;
}

/** Per target: the largest level it held (none: it held no level measured). */
export interface CapacityEntry {
  readonly target: string;
  readonly label: string;
  readonly largestHeld: number | null;
  /** The baseline it is compared with. */
  readonly reference?: string;
  /** Over the reference baseline's largest level held. */
  readonly ratioToBaseline?: number;
}

export interface ScenarioRecord {
  readonly schema: number;
  readonly kind: 'scenario';
  readonly id: string;
  readonly profile: string;
  readonly date: string;
  readonly git: GitInfo;
  readonly environment: EnvironmentInfo;
  readonly settings: ScenarioSettings;
  readonly targets: readonly TargetInfo[];
  readonly results: readonly ScenarioResultEntry[];
  readonly capacity?: readonly CapacityEntry[];
  readonly notes: readonly string[];
}

export interface RawScenarioResult {
  readonly target: string;
  readonly role: TargetRole;
  readonly runtime?: string;
  readonly label: string;
  readonly level: number;
  readonly reference?: string;
  readonly runs: readonly ScenarioRun[];
}

export function summarizeScenarioRuns(runs: readonly ScenarioRun[], metrics: readonly ScenarioMetric[]): Pick<ScenarioResultEntry, 'median' | 'spread'> {
  const medians: Record<string, number> = {};
  const spread: Record<string, readonly [number, number]> = {};
  for (const metric of metrics) {
    const values = runs.map((r) => r.metrics[metric.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    medians[metric.name] = median(values);
    spread[metric.name] = [min(values), max(values)];
  }
  return { median: medians, spread };
}

export function buildScenarioResults(
  raw: readonly RawScenarioResult[],
  settings: Pick<ScenarioSettings, 'metrics' | 'primaryMetric' | 'referenceBaseline'>,
  holds?: (median: Readonly<Record<string, number>>, level: number) => boolean,
): ScenarioResultEntry[] {
  const entries = raw.filter((r) => r.runs.length > 0).map((r) => ({ ...r, ...summarizeScenarioRuns(r.runs, settings.metrics) }));
  return entries.map((entry) => {
    const referenceId = entry.reference ?? settings.referenceBaseline;
    const reference = referenceId
      ? entries.find((e) => e.target === referenceId && e.level === entry.level)?.median[settings.primaryMetric]
      : undefined;
    const value = entry.median[settings.primaryMetric];
    return {
      ...entry,
      ...(reference !== undefined && reference > 0 && value !== undefined ? { ratioToBaseline: value / reference } : {}),
      ...(holds ? { holds: holds(entry.median, entry.level) } : {}),
    };
  });
}

/**
 * The largest level each target held. A level counts only when every smaller level measured was held too: a
 * target that fails at 1,000 and happens to pass at 2,000 holds 500.
 */
export function capacityOf(results: readonly ScenarioResultEntry[], targets: readonly TargetInfo[], referenceBaseline: string | undefined): CapacityEntry[] {
  const largest = (target: string): number | null => {
    const levels = results.filter((r) => r.target === target && r.holds !== undefined).sort((a, b) => a.level - b.level);
    let held: number | null = null;
    for (const entry of levels) {
      if (!entry.holds) break;
      held = entry.level;
    }
    return held;
  };
  const withResults = targets.filter((t) => results.some((r) => r.target === t.id && r.holds !== undefined));
  return withResults.map((t) => {
    const held = largest(t.id);
    const referenceId = results.find((r) => r.target === t.id)?.reference ?? referenceBaseline;
    const reference = referenceId ? largest(referenceId) : null;
    return {
      target: t.id,
      label: t.label,
      largestHeld: held,
      ...(referenceId ? { reference: referenceId } : {}),
      ...(reference && held !== null ? { ratioToBaseline: held / reference } : {}),
    };
  });
}

export function isScenarioRecord(record: { readonly kind?: string }): record is ScenarioRecord {
  return record.kind === 'scenario';
}

/** Checks a parsed value has the shape of a scenario record (records read back from history or files). */
export function scenarioRecordProblems(v: Partial<ScenarioRecord>): string[] {
  const problems: string[] = [];
  const s = v.settings;
  if (typeof s !== 'object' || s === null || typeof s.level?.name !== 'string' || !Array.isArray(s.level.values)
    || !Array.isArray(s.metrics) || typeof s.primaryMetric !== 'string') problems.push('settings');
  if (!Array.isArray(v.results)) problems.push('results');
  else {
    v.results.forEach((r, i) => {
      if (typeof r?.target !== 'string' || typeof r.level !== 'number' || !Array.isArray(r.runs) || typeof r.median !== 'object' || r.median === null) {
        problems.push(`results[${i}]`);
      }
    });
  }
  return problems;
}
