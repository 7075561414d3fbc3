/**
 * One benchmark invocation: build the workload, start every target in its own process, then for each
 * connection count warm each target up and measure it `runs` times. Runs are interleaved (run 1 of every
 * target, then run 2, each round in a rotated order) so that drift on a shared machine touches every target
 * alike. Everything is bounded in time and every child process is stopped at the end.
 */
import { BenchError, benchCodes } from '../errors.ts';
import type { LoadChoice } from '../load/load-choice.ts';
import type { LoadClient } from '../load/types.ts';
import { killAllChildren } from '../process/children.ts';
import { startTarget, type RunningTarget } from '../process/target-process.ts';
import { diedMessage, rotate } from './interleave.ts';
import type { Profile, TargetDefinition } from '../profile.ts';
import { createProgress, type Progress } from '../report/progress.ts';
import { formatSeconds } from '../report/format.ts';
import { environmentInfo, gitInfo, newRecordId } from '../results/environment.ts';
import { buildResults, RECORD_SCHEMA, type BenchRecord, type RawResult, type TargetInfo } from '../results/record.ts';
import type { RunMeasurement } from '../load/types.ts';

export interface BenchOptions {
  readonly profile: Profile;
  /** Flux runtimes to run (may be empty: baselines only). */
  readonly runtimes: readonly string[];
  /** Baseline ids to run; undefined = every available one. */
  readonly baselines?: readonly string[];
  readonly ceiling: boolean;
  /** The load generator (chooseLoadClient). */
  readonly loadClient: LoadChoice;
  readonly connections: readonly number[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly seed: number;
  readonly profileOptions: Readonly<Record<string, string | undefined>>;
  /** The repository (for the commit hash). */
  readonly repoDir: string;
  /** Show the progress bar (on a terminal). */
  readonly progress: boolean;
  /** Seconds each target gets to start, on top of the planned time, in the overall time bound. */
  readonly startupAllowanceSeconds?: number;
}

interface LiveTarget {
  readonly definition: TargetDefinition;
  running?: RunningTarget;
  error?: string;
}

export function plannedSeconds(targets: number, options: Pick<BenchOptions, 'connections' | 'durationSeconds' | 'warmupSeconds' | 'runs'>): number {
  return options.connections.length * targets * (options.warmupSeconds + options.runs * options.durationSeconds);
}

export async function runBenchmark(options: BenchOptions): Promise<BenchRecord> {
  const date = new Date();
  const git = gitInfo(options.repoDir);
  const environment = environmentInfo();
  const notes: string[] = [];
  let progress: Progress | undefined;
  /** Shown while running only. */
  const say = (message: string) => {
    if (progress) progress.log(message);
    else if (options.progress) process.stderr.write(`${message}\n`);
  };
  /** Shown, and kept in the record's notes. */
  const log = (message: string) => {
    notes.push(message);
    say(message);
  };

  if (options.loadClient.note) log(options.loadClient.note);
  if (environment.loadAverage > environment.cores * 0.5) {
    log(`the machine is busy (1-minute load average ${environment.loadAverage.toFixed(1)} on ${environment.cores} cores): expect noisy numbers`);
  }

  const workload = await options.profile.prepare({ seed: options.seed, runtimes: options.runtimes, options: options.profileOptions, log });

  const definitions: TargetDefinition[] = options.runtimes.flatMap((runtime) => workload.fluxTargets?.(runtime) ?? [workload.fluxTarget(runtime)]);
  const targetInfos: TargetInfo[] = [];
  const choices = workload.baselines();
  const knownBaselines = choices.map((c) => (c.available ? c.target.id : c.id));
  const unknownBaselines = (options.baselines ?? []).filter((id) => !knownBaselines.includes(id));
  if (unknownBaselines.length > 0) {
    throw new BenchError(benchCodes.USAGE, `--baselines: unknown ${unknownBaselines.join(', ')} (${options.profile.name} has ${knownBaselines.join(', ')}, or all, or none)`);
  }
  for (const choice of choices) {
    const id = choice.available ? choice.target.id : choice.id;
    if (options.baselines && !options.baselines.includes(id)) continue;
    if (choice.available) definitions.push(choice.target);
    else {
      targetInfos.push({ id, role: 'baseline', label: id, skipped: choice.reason });
      log(`skipping ${id}: ${choice.reason}`);
    }
  }
  if (options.ceiling) definitions.push(workload.ceilingTarget());
  if (definitions.length === 0) throw new BenchError(benchCodes.USAGE, 'nothing to run: no runtime, no baseline and no ceiling selected');

  const planned = plannedSeconds(definitions.length, options);
  const startup = (options.startupAllowanceSeconds ?? 60) * definitions.length;
  const boundSeconds = Math.ceil(planned * 1.5 + startup + 60);
  say(`plan: ${definitions.length} targets x ${options.connections.length} connection counts x (${options.warmupSeconds} s warm-up + ${options.runs} x ${options.durationSeconds} s) = about ${formatSeconds(planned)} (bounded at ${formatSeconds(boundSeconds)})`);

  // The overall time bound: whatever hangs, the invocation ends.
  const watchdog = setTimeout(() => {
    progress?.stop();
    killAllChildren('SIGKILL');
    process.stderr.write(`bench: ${benchCodes.DEADLINE}: still running after ${formatSeconds(boundSeconds)}; stopped every target\n`);
    process.exit(124);
  }, boundSeconds * 1000);
  watchdog.unref();

  progress = createProgress(planned + definitions.length * 2, options.progress);
  const live: LiveTarget[] = definitions.map((definition) => ({ definition }));
  const raw = new Map<string, { definition: TargetDefinition; connections: number; runs: RunMeasurement[] }>();
  let client: LoadClient | undefined;
  try {
    client = workload.createLoadClient(options.loadClient);
    progress.step('starting the load client', 1);
    await client.open();
    progress.done();
    say(`load generator: ${client.name}`);

    for (const target of live) {
      const { definition } = target;
      progress.step(`starting ${definition.label}`, 2);
      try {
        target.running = await startTarget(await definition.launch());
        say(`${definition.label} ready at ${target.running.url}`);
      } catch (error) {
        target.error = (error as Error).message;
        log(`${definition.label} failed to start: ${target.error}`);
      }
      progress.done();
    }

    const measure = async (target: LiveTarget, connections: number, warmup: boolean, label: string, seconds: number): Promise<RunMeasurement | undefined> => {
      const running = target.running;
      if (!running || target.error) return undefined;
      progress!.step(label, seconds);
      try {
        if (running.exitStatus()) throw new Error(diedMessage(running));
        const measurement = await client!.run({ url: running.url, connections, durationSeconds: seconds, warmup });
        if (running.exitStatus()) throw new Error(diedMessage(running));
        return measurement;
      } catch (error) {
        target.error = (error as Error).message;
        log(`${target.definition.label}: ${target.error}`);
        return undefined;
      } finally {
        progress!.done();
      }
    };

    for (const connections of options.connections) {
      if (options.warmupSeconds > 0) {
        for (const target of live) {
          await measure(target, connections, true, `c=${connections} warm-up ${target.definition.label}`, options.warmupSeconds);
        }
      }
      for (let run = 0; run < options.runs; run++) {
        for (const target of rotate(live, run)) {
          const measurement = await measure(target, connections, false, `c=${connections} run ${run + 1}/${options.runs} ${target.definition.label}`, options.durationSeconds);
          if (!measurement) continue;
          const key = `${target.definition.id}@${connections}`;
          if (!raw.has(key)) raw.set(key, { definition: target.definition, connections, runs: [] });
          raw.get(key)!.runs.push(measurement);
        }
      }
    }
  } finally {
    progress.step('stopping targets', 1);
    await Promise.allSettled(live.map((t) => t.running?.stop()));
    await client?.close().catch(() => {});
    progress.stop();
    progress = undefined;
    clearTimeout(watchdog);
  }

  for (const target of live) {
    const d = target.definition;
    targetInfos.push({ id: d.id, role: d.role, ...(d.runtime ? { runtime: d.runtime } : {}), label: d.label, ...(target.error ? { error: target.error } : {}) });
  }
  const rawResults: RawResult[] = [...raw.values()].map(({ definition, connections, runs }) => ({
    target: definition.id,
    role: definition.role,
    ...(definition.runtime ? { runtime: definition.runtime } : {}),
    label: definition.label,
    connections,
    runs,
  }));

  return {
    schema: RECORD_SCHEMA,
    id: newRecordId(date, git.commit),
    profile: options.profile.name,
    date: date.toISOString(),
    git,
    environment,
    settings: {
      runtimes: [...options.runtimes],
      connections: [...options.connections],
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      runs: options.runs,
      seed: options.seed,
      loadClient: client?.name ?? 'unknown',
      ceiling: options.ceiling,
      ...(options.profile.referenceBaseline ? { referenceBaseline: options.profile.referenceBaseline } : {}),
      workload: workload.settings,
    },
    targets: targetInfos,
    results: buildResults(rawResults, options.profile.referenceBaseline),
    notes,
  };
}
