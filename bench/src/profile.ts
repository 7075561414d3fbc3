/**
 * A profile plugs one kind of server into the harness: how to build its workload, how to start the Flux server
 * under a runtime, which baselines run beside it, and which load client drives them. See profiles/web.ts.
 */
import type { LoadChoice } from './load/load-choice.ts';
import type { LoadClient } from './load/types.ts';
import type { LaunchSpec } from './process/target-process.ts';
import type { ScenarioProfile } from './scenario.ts';

export type TargetRole = 'flux' | 'baseline' | 'ceiling';

export interface TargetDefinition {
  /** Unique in a run, stable across runs (history comparisons key on it): `flux/threadpool`, `node-http`, `nginx`, `ceiling`. */
  readonly id: string;
  readonly role: TargetRole;
  /** The Flux runtime, for role 'flux'. */
  readonly runtime?: string;
  /** For tables and charts: `flux (threadpool)`, `node:http`. */
  readonly label: string;
  /**
   * Scenario profiles: the baseline this target's ratios are taken against, when not the profile's
   * `referenceBaseline` (the tag game compares each Flux mode with the baseline of the same mode).
   */
  readonly reference?: string;
  /** Resolves how to start the target (may write a config, pick a port). */
  launch(): Promise<LaunchSpec>;
}

/** A profile-specific command-line option (`--dirs <n>` for the web profile). */
export interface ProfileOption {
  /** commander flags, e.g. `--dirs <n>`. */
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

export interface PrepareContext {
  readonly seed: number;
  /** The Flux runtimes this run measures (a profile may add targets per runtime). */
  readonly runtimes: readonly string[];
  /** Values of the profile's own options, by camel-cased name (as commander gives them). */
  readonly options: Readonly<Record<string, string | undefined>>;
  /** Progress notes for the user (shown above the progress bar when there is one). */
  readonly log: (message: string) => void;
}

export interface PreparedWorkload {
  /** What to record about the workload (sizes, digests, the mix): it identifies comparable runs. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The Flux server under one runtime. */
  fluxTarget(runtime: string): TargetDefinition;
  /**
   * When the profile sweeps a setting of the Flux server (the CPU profile's `--threads 1,2`): the server under
   * one runtime once per value, each with its own id and label (`flux/threadpool/2-threads`, `flux (threadpool,
   * 2 threads)`). Without it, a runtime is the one target `fluxTarget(runtime)`.
   */
  fluxTargets?(runtime: string): readonly TargetDefinition[];
  /** Baselines by id, in display order; `available` false with a reason when one cannot run here. */
  baselines(): readonly BaselineChoice[];
  /** The trivial server that measures the load generator's own ceiling. */
  ceilingTarget(): TargetDefinition;
  /** A fresh load client for this workload, of the kind chosen (one of the profile's `loadClients`). */
  createLoadClient(choice: LoadChoice): LoadClient;
}

export type BaselineChoice =
  | { readonly available: true; readonly target: TargetDefinition }
  | { readonly available: false; readonly id: string; readonly reason: string };

/** The load clients that can drive a run with given option values (Profile.loadClientsFor). */
export interface LoadClientSupport {
  /** Fastest first, as `loadClients`. */
  readonly clients: readonly string[];
  /** Why the profile's other clients cannot drive such a run: said when one of them is asked for. */
  readonly why?: string;
}

/** A profile whose targets are HTTP servers driven by a load client (wrk, autocannon, or its own). */
export interface Profile {
  /** Absent in the HTTP profiles: the discriminant of `AnyProfile`. */
  readonly kind?: 'load';
  readonly name: string;
  readonly summary: string;
  /** Flux runtimes the server can run under (`--runtime=all`). */
  readonly runtimes: readonly string[];
  readonly defaultConnections: readonly number[];
  /** The baseline a ratio is taken against (a baseline id), if any. */
  readonly referenceBaseline?: string;
  readonly options: readonly ProfileOption[];
  /**
   * The load clients that can drive this profile, fastest first (`wrk`, `autocannon`, or one of its own): the
   * first one installed is the default, `--load` picks another.
   */
  readonly loadClients: readonly string[];
  /**
   * When the clients depend on the profile's option values (the image scaler takes wrk in all-hit mode only):
   * those that can drive a run with these values. Without it, `loadClients` drive every run.
   */
  loadClientsFor?(options: Readonly<Record<string, string | undefined>>): LoadClientSupport;
  /** Whether the Flux server is present (so `--runtime` can fail clearly before building anything). */
  fluxAvailable(): { available: true } | { available: false; reason: string };
  prepare(context: PrepareContext): Promise<PreparedWorkload>;
}

/** What `pnpm bench <name>` runs: an HTTP profile, or a scenario that drives its targets itself (src/scenario.ts). */
export type AnyProfile = Profile | ScenarioProfile;
