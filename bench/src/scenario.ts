/**
 * A scenario profile drives its targets itself (bots over WebSockets, peers exchanging a torrent): for each
 * target, load level and run it measures what it wants and returns named metrics. The harness keeps the rest:
 * starting and stopping targets, interleaved runs, medians, the record and history, the table, the chart and
 * `compare`. See profiles/tag-game.ts.
 */
import type { BaselineChoice, PrepareContext, ProfileOption, TargetDefinition } from './profile.ts';

/** How a metric is shown: `rate` 1,234; `ms` 12.3; `percent` of a fraction (0.5 -> 50.0%); `megabytes` of bytes; `flag` 0/1 as no/yes. */
export type MetricFormat = 'rate' | 'number' | 'ms' | 'percent' | 'megabytes' | 'flag';

export interface ScenarioMetric {
  /** Key in a run's metrics (`tickRate`). */
  readonly name: string;
  /** Column head (`ticks/s`). */
  readonly label: string;
  readonly format: MetricFormat;
  /** Which way is better: decides whether a significant change is a regression or an improvement. */
  readonly better: 'higher' | 'lower';
}

/** The setting a scenario sweeps, as connections are for HTTP profiles: `--players 100,500,1000`. */
export interface ScenarioLevel {
  /** Plural noun, also the flag: `players` gives `--players <list>`. */
  readonly name: string;
  readonly description: string;
  readonly defaults: readonly number[];
}

/** Whether a target holds a load level, judged on the medians of its runs (the tag game: 20 Hz with p99 <= 50 ms). */
export interface ScenarioCapacity {
  /** For the table's footer: `20 Hz kept with state delay p99 <= 50 ms`. */
  readonly description: string;
  /** `level`: the load level of these medians; `workload`: the settings prepare returned (a tick rate the test depends on). */
  /**
   * A target that did not hold a level is not run at the larger ones (they could only count as not held, and a
   * saturated server costs the most time and loads the machine); `--all-levels` runs them anyway.
   */
  readonly stopAtFirstMiss?: boolean;
  holds(median: Readonly<Record<string, number>>, context: { readonly level: number; readonly workload: Readonly<Record<string, unknown>> }): boolean;
}

export interface ScenarioProfile {
  readonly kind: 'scenario';
  readonly name: string;
  readonly summary: string;
  /** Flux runtimes the server can run under (`--runtime=all`). */
  readonly runtimes: readonly string[];
  /** The baseline a ratio is taken against (a baseline id), if any. */
  readonly referenceBaseline?: string;
  readonly level: ScenarioLevel;
  /** Every metric a run reports, in table order. */
  readonly metrics: readonly ScenarioMetric[];
  /** The metric `compare` judges and the ratio column divides (a name from `metrics`). */
  readonly primaryMetric: string;
  /** The chart's two panels (names from `metrics`); the primary and the next metric by default. */
  readonly chartMetrics?: readonly [string, string];
  readonly capacity?: ScenarioCapacity;
  readonly options: readonly ProfileOption[];
  fluxAvailable(): { available: true } | { available: false; reason: string };
  prepare(context: PrepareContext): Promise<PreparedScenario>;
}

export interface ScenarioRunContext {
  readonly target: TargetDefinition;
  /** What the target announced: http://127.0.0.1:<port>. */
  readonly url: string;
  /** The target's process id (for its CPU time in /proc/<pid>/stat). */
  readonly pid: number;
  /** The load level of this run (players). */
  readonly level: number;
  readonly durationSeconds: number;
  /** A warm-up run: measured, not kept. */
  readonly warmup: boolean;
  /** Aborted when the run overruns its time bound or the invocation stops: release everything. */
  readonly signal: AbortSignal;
  readonly log: (message: string) => void;
}

export interface ScenarioRunResult {
  /** A value for every metric of the profile. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Worth keeping with the record (the load clients neared a core). */
  readonly notes?: readonly string[];
}

export interface PreparedScenario {
  /** What identifies comparable runs (recorded as the workload). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Names and versions of what drives the targets, recorded like a load client's (`ws 8.23.0 bots, 4 processes`). */
  readonly driver: string;
  fluxTarget(runtime: string): TargetDefinition;
  fluxTargets?(runtime: string): readonly TargetDefinition[];
  baselines(): readonly BaselineChoice[];
  /** Seconds a run takes beyond its measured duration at a level (starting clients, ramping up). */
  overheadSeconds(level: number): number;
  run(context: ScenarioRunContext): Promise<ScenarioRunResult>;
  /** Releases what prepare set up. */
  close?(): Promise<void>;
}
