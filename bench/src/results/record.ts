/**
 * The record of one benchmark invocation: one line of results/history.jsonl. Every run is kept (not just the
 * medians) so that later comparisons can test significance on per-run values.
 */
import { max, median, min } from '../stats/descriptive.ts';
import type { RunMeasurement } from '../load/types.ts';
import type { TargetRole } from '../profile.ts';
import { scenarioRecordProblems, type ScenarioRecord } from './scenario-record.ts';

export const RECORD_SCHEMA = 1;

export interface EnvironmentInfo {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  /** 1-minute load average when the run started: a busy machine shows here. */
  readonly loadAverage: number;
}

export interface GitInfo {
  /** Full commit hash, or null outside a git work tree. */
  readonly commit: string | null;
  /** Uncommitted changes in the work tree when the run started. */
  readonly dirty: boolean;
}

export interface BenchSettings {
  readonly runtimes: readonly string[];
  readonly connections: readonly number[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly seed: number;
  readonly loadClient: string;
  readonly ceiling: boolean;
  /** The baseline the ratio column divides by (a target id), if the profile names one. */
  readonly referenceBaseline?: string;
  /** Profile-specific: the workload's identity (file set digest, request mix, cache policy). */
  readonly workload: Readonly<Record<string, unknown>>;
}

export interface TargetInfo {
  readonly id: string;
  readonly role: TargetRole;
  readonly runtime?: string;
  readonly label: string;
  /** Set when the target could not be started or died during the run. */
  readonly error?: string;
  /** Set when the target was not run at all (e.g. nginx not installed). */
  readonly skipped?: string;
}

export interface MedianSummary {
  readonly requestsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Sums over the runs. */
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Smallest and largest per-run throughput: the spread across runs. */
  readonly minRequestsPerSecond: number;
  readonly maxRequestsPerSecond: number;
  /** The load client's CPU time over the run's length (1 = one core), median, when every run reports it. */
  readonly loadClientCores?: number;
}

export interface ResultEntry {
  readonly target: string;
  readonly role: TargetRole;
  readonly runtime?: string;
  readonly label: string;
  readonly connections: number;
  readonly runs: readonly RunMeasurement[];
  readonly median: MedianSummary;
  /** Median throughput over the reference baseline's (node:http) at the same connections. */
  readonly ratioToBaseline?: number;
  /** Median throughput within `CEILING_MARGIN` of (or above) the load generator's ceiling at the same connections. */
  readonly cappedByLoadGenerator?: boolean;
}

export interface BenchRecord {
  readonly schema: number;
  /** Absent in load records (HTTP profiles); `scenario` records are ScenarioRecord. */
  readonly kind?: 'load';
  readonly id: string;
  readonly profile: string;
  readonly date: string;
  readonly git: GitInfo;
  readonly environment: EnvironmentInfo;
  readonly settings: BenchSettings;
  readonly targets: readonly TargetInfo[];
  readonly results: readonly ResultEntry[];
  readonly notes: readonly string[];
}

/** A result at or above this share of the ceiling says more about the load generator than the server. */
export const CEILING_MARGIN = 0.9;

export function summarizeRuns(runs: readonly RunMeasurement[]): MedianSummary {
  const rps = runs.map((r) => r.requestsPerSecond);
  return {
    requestsPerSecond: median(rps),
    bytesPerSecond: median(runs.map((r) => r.bytesPerSecond)),
    latencyP50Ms: median(runs.map((r) => r.latencyMs.p50)),
    latencyP99Ms: median(runs.map((r) => r.latencyMs.p99)),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    timeouts: runs.reduce((s, r) => s + r.timeouts, 0),
    minRequestsPerSecond: min(rps),
    maxRequestsPerSecond: max(rps),
    ...(runs.length > 0 && runs.every((r) => r.loadClientCpuSeconds !== undefined && r.durationSeconds > 0)
      ? { loadClientCores: median(runs.map((r) => r.loadClientCpuSeconds! / r.durationSeconds)) }
      : {}),
  };
}

export interface RawResult {
  readonly target: string;
  readonly role: TargetRole;
  readonly runtime?: string;
  readonly label: string;
  readonly connections: number;
  readonly runs: readonly RunMeasurement[];
}

/** Medians per target and connections, the ratio to the reference baseline, and the ceiling flag. */
export function buildResults(raw: readonly RawResult[], referenceBaseline: string | undefined): ResultEntry[] {
  const withRuns = raw.filter((r) => r.runs.length > 0);
  const medianOf = (target: string, connections: number) => {
    const found = withRuns.find((r) => r.target === target && r.connections === connections);
    return found ? median(found.runs.map((run) => run.requestsPerSecond)) : undefined;
  };
  return withRuns.map((entry) => {
    const summary = summarizeRuns(entry.runs);
    const reference = referenceBaseline ? medianOf(referenceBaseline, entry.connections) : undefined;
    const ceiling = medianOf('ceiling', entry.connections);
    const result: ResultEntry = {
      ...entry,
      median: summary,
      ...(reference && reference > 0 ? { ratioToBaseline: summary.requestsPerSecond / reference } : {}),
      ...(entry.role !== 'ceiling' && ceiling !== undefined
        ? { cappedByLoadGenerator: summary.requestsPerSecond >= CEILING_MARGIN * ceiling }
        : {}),
    };
    return result;
  });
}

/** A record of the history: a load record, or a scenario record (`kind: 'scenario'`). */
export type AnyRecord = BenchRecord | ScenarioRecord;

/** Checks that a parsed value has the shape of a record (for records read back from history or files). */
export function assertRecord(value: unknown, where: string): asserts value is AnyRecord {
  const problems: string[] = [];
  const v = value as Partial<BenchRecord> | null;
  if (typeof v !== 'object' || v === null) throw new TypeError(`${where}: not a JSON object`);
  if (typeof v.schema !== 'number') problems.push('schema');
  if (typeof v.id !== 'string') problems.push('id');
  if (typeof v.profile !== 'string') problems.push('profile');
  if (typeof v.date !== 'string') problems.push('date');
  if (typeof v.git !== 'object' || v.git === null || typeof v.git.dirty !== 'boolean') problems.push('git');
  if (typeof v.environment !== 'object' || v.environment === null || typeof v.environment.node !== 'string') problems.push('environment');
  if ((v as { kind?: unknown }).kind === 'scenario') {
    problems.push(...scenarioRecordProblems(v as Partial<ScenarioRecord>));
    if (!Array.isArray(v.targets)) problems.push('targets');
    if (problems.length > 0) throw new TypeError(`${where}: not a benchmark record (bad or missing: ${problems.join(', ')})`);
    return;
  }
  if (typeof v.settings !== 'object' || v.settings === null || !Array.isArray(v.settings.connections)) problems.push('settings');
  if (!Array.isArray(v.targets)) problems.push('targets');
  if (!Array.isArray(v.results)) problems.push('results');
  else {
    v.results.forEach((r, i) => {
      if (typeof r?.target !== 'string' || typeof r.connections !== 'number' || !Array.isArray(r.runs) || typeof r.median?.requestsPerSecond !== 'number') {
        problems.push(`results[${i}]`);
      }
    });
  }
  if (problems.length > 0) throw new TypeError(`${where}: not a benchmark record (bad or missing: ${problems.join(', ')})`);
}
