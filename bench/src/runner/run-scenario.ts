/**
 * One invocation of a scenario profile (src/scenario.ts): start every target in its own process, then for each
 * level warm each target up and run the scenario against it `runs` times, interleaved and rotated like the load
 * runner's rounds. Each run is bounded in time (aborted past duration + overhead + 30 s); the whole invocation
 * too; every child process is stopped at the end.
 */
import { BenchError, benchCodes } from '../errors.ts';
import { killAllChildren } from '../process/children.ts';
import { startTarget, type RunningTarget } from '../process/target-process.ts';
import { diedMessage, rotate } from './interleave.ts';
import type { TargetDefinition } from '../profile.ts';
import type { ScenarioProfile } from '../scenario.ts';
import { createProgress, type Progress } from '../report/progress.ts';
import { formatSeconds } from '../report/format.ts';
import { environmentInfo, gitInfo, newRecordId } from '../results/environment.ts';
import { RECORD_SCHEMA, type TargetInfo } from '../results/record.ts';
import { buildScenarioResults, capacityOf, summarizeScenarioRuns, type ScenarioRecord, type ScenarioRun, type ScenarioSettings } from '../results/scenario-record.ts';

export interface ScenarioOptions {
  readonly profile: ScenarioProfile;
  readonly runtimes: readonly string[];
  /** Baseline ids to run; undefined = every available one. */
  readonly baselines?: readonly string[];
  readonly levels: readonly number[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly seed: number;
  readonly profileOptions: Readonly<Record<string, string | undefined>>;
  /** Run every level even past a target's first level not held (see ScenarioCapacity.stopAtFirstMiss). */
  readonly allLevels?: boolean;
  readonly repoDir: string;
  readonly progress: boolean;
  /** Seconds each target gets to start, on top of the planned time, in the overall time bound. */
  readonly startupAllowanceSeconds?: number;
}

/** A run past duration + overhead + this is aborted and the target marked failed. */
const RUN_GRACE_SECONDS = 30;

interface LiveTarget {
  readonly definition: TargetDefinition;
  running?: RunningTarget;
  error?: string;
  /** The first level it did not hold, when larger ones are skipped. */
  missedAt?: number;
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioRecord> {
  const { profile } = options;
  const date = new Date();
  const git = gitInfo(options.repoDir);
  const environment = environmentInfo();
  const notes: string[] = [];
  let progress: Progress | undefined;
  const say = (message: string) => {
    if (progress) progress.log(message);
    else if (options.progress) process.stderr.write(`${message}\n`);
  };
  const log = (message: string) => {
    notes.push(message);
    say(message);
  };
  if (environment.loadAverage > environment.cores * 0.5) {
    log(`the machine is busy (1-minute load average ${environment.loadAverage.toFixed(1)} on ${environment.cores} cores): expect noisy numbers`);
  }
  for (const name of [profile.primaryMetric, ...(profile.chartMetrics ?? [])]) {
    if (!profile.metrics.some((m) => m.name === name)) throw new Error(`profile ${profile.name}: metric "${name}" is not among its metrics`);
  }

  const scenario = await profile.prepare({ seed: options.seed, runtimes: options.runtimes, options: options.profileOptions, log });
  const definitions: TargetDefinition[] = options.runtimes.flatMap((runtime) => scenario.fluxTargets?.(runtime) ?? [scenario.fluxTarget(runtime)]);
  const targetInfos: TargetInfo[] = [];
  const choices = scenario.baselines();
  const known = choices.map((c) => (c.available ? c.target.id : c.id));
  const unknown = (options.baselines ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    await scenario.close?.();
    throw new BenchError(benchCodes.USAGE, `--baselines: unknown ${unknown.join(', ')} (${profile.name} has ${known.join(', ')}, or all, or none)`);
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
  if (definitions.length === 0) {
    await scenario.close?.();
    throw new BenchError(benchCodes.USAGE, 'nothing to run: no runtime and no baseline selected');
  }

  const perTarget = options.levels.reduce(
    (sum, level) => sum + (options.warmupSeconds > 0 ? options.warmupSeconds + scenario.overheadSeconds(level) : 0)
      + options.runs * (options.durationSeconds + scenario.overheadSeconds(level)),
    0,
  );
  const planned = perTarget * definitions.length;
  const boundSeconds = Math.ceil(planned * 1.5 + (options.startupAllowanceSeconds ?? 60) * definitions.length + 60);
  say(`plan: ${definitions.length} targets x ${options.levels.length} ${profile.level.name} counts x (${options.warmupSeconds} s warm-up + ${options.runs} x ${options.durationSeconds} s, plus set-up) = about ${formatSeconds(planned)} (bounded at ${formatSeconds(boundSeconds)})`);

  const stopAll = new AbortController();
  const watchdog = setTimeout(() => {
    stopAll.abort();
    progress?.stop();
    killAllChildren('SIGKILL');
    process.stderr.write(`bench: ${benchCodes.DEADLINE}: still running after ${formatSeconds(boundSeconds)}; stopped every target\n`);
    process.exit(124);
  }, boundSeconds * 1000);
  watchdog.unref();

  progress = createProgress(planned + definitions.length * 2, options.progress);
  const live: LiveTarget[] = definitions.map((definition) => ({ definition }));
  const raw = new Map<string, { definition: TargetDefinition; level: number; runs: ScenarioRun[] }>();
  try {
    for (const target of live) {
      progress.step(`starting ${target.definition.label}`, 2);
      try {
        target.running = await startTarget(await target.definition.launch());
        say(`${target.definition.label} ready at ${target.running.url}`);
      } catch (error) {
        target.error = (error as Error).message;
        log(`${target.definition.label} failed to start: ${target.error}`);
      }
      progress.done();
    }

    const measure = async (target: LiveTarget, level: number, warmup: boolean, label: string, seconds: number): Promise<ScenarioRun | undefined> => {
      const running = target.running;
      if (!running || target.error || target.missedAt !== undefined) return undefined;
      const overhead = scenario.overheadSeconds(level);
      progress!.step(label, seconds + overhead);
      const aborter = new AbortController();
      const onStop = () => aborter.abort();
      stopAll.signal.addEventListener('abort', onStop);
      let timer: NodeJS.Timeout | undefined;
      try {
        if (running.exitStatus()) throw new Error(diedMessage(running));
        const limitSeconds = seconds + overhead + RUN_GRACE_SECONDS;
        const overrun = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            aborter.abort();
            reject(new Error(`${label}: the run did not finish within ${formatSeconds(limitSeconds)}`));
          }, limitSeconds * 1000);
        });
        const result = await Promise.race([
          scenario.run({ target: target.definition, url: running.url, pid: running.pid, level, durationSeconds: seconds, warmup, signal: aborter.signal, log: say }),
          overrun,
        ]);
        if (running.exitStatus()) throw new Error(diedMessage(running));
        const missing = profile.metrics.filter((m) => typeof result.metrics[m.name] !== 'number').map((m) => m.name);
        if (missing.length > 0) throw new Error(`the scenario reported no ${missing.join(', ')}`);
        for (const note of result.notes ?? []) log(`${target.definition.label} at ${level} ${profile.level.name}: ${note}`);
        return { durationSeconds: seconds, metrics: result.metrics };
      } catch (error) {
        target.error = (error as Error).message;
        log(`${target.definition.label}: ${target.error}`);
        return undefined;
      } finally {
        clearTimeout(timer);
        stopAll.signal.removeEventListener('abort', onStop);
        aborter.abort();
        progress!.done();
      }
    };

    for (const level of options.levels) {
      if (options.warmupSeconds > 0) {
        for (const target of live) await measure(target, level, true, `${level} ${profile.level.name}: warm-up ${target.definition.label}`, options.warmupSeconds);
      }
      for (let run = 0; run < options.runs; run++) {
        for (const target of rotate(live, run)) {
          const measured = await measure(target, level, false, `${level} ${profile.level.name}: run ${run + 1}/${options.runs} ${target.definition.label}`, options.durationSeconds);
          if (!measured) continue;
          const key = `${target.definition.id}@${level}`;
          if (!raw.has(key)) raw.set(key, { definition: target.definition, level, runs: [] });
          raw.get(key)!.runs.push(measured);
        }
      }
      if (profile.capacity?.stopAtFirstMiss && !options.allLevels) {
        for (const target of live) {
          const entry = raw.get(`${target.definition.id}@${level}`);
          if (!entry || target.missedAt !== undefined) continue;
          const { median } = summarizeScenarioRuns(entry.runs, profile.metrics);
          if (profile.capacity.holds(median, { level, workload: scenario.settings })) continue;
          target.missedAt = level;
          if (level !== options.levels[options.levels.length - 1]) log(`${target.definition.label} did not hold ${level} ${profile.level.name}: not run at more (--all-levels runs them)`);
        }
      }
    }
  } finally {
    progress.step('stopping targets', 1);
    await Promise.allSettled(live.map((t) => t.running?.stop()));
    await scenario.close?.().catch(() => {});
    progress.stop();
    progress = undefined;
    clearTimeout(watchdog);
  }

  for (const target of live) {
    const d = target.definition;
    targetInfos.push({ id: d.id, role: d.role, ...(d.runtime ? { runtime: d.runtime } : {}), label: d.label, ...(target.error ? { error: target.error } : {}) });
  }
  const primaryIndex = profile.metrics.findIndex((m) => m.name === profile.primaryMetric);
  const settings: ScenarioSettings = {
    runtimes: [...options.runtimes],
    level: { name: profile.level.name, values: [...options.levels] },
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    runs: options.runs,
    seed: options.seed,
    driver: scenario.driver,
    metrics: profile.metrics.map((m) => ({ ...m })),
    primaryMetric: profile.primaryMetric,
    chartMetrics: profile.chartMetrics ?? [profile.primaryMetric, profile.metrics[(primaryIndex + 1) % profile.metrics.length].name],
    ...(profile.referenceBaseline ? { referenceBaseline: profile.referenceBaseline } : {}),
    ...(profile.capacity ? { capacity: profile.capacity.description } : {}),
    workload: scenario.settings,
  };
  const results = buildScenarioResults(
    [...raw.values()].map(({ definition, level, runs }) => ({
      target: definition.id,
      role: definition.role,
      ...(definition.runtime ? { runtime: definition.runtime } : {}),
      label: definition.label,
      level,
      ...(definition.reference ? { reference: definition.reference } : {}),
      runs,
    })),
    settings,
    profile.capacity ? (median, level) => profile.capacity!.holds(median, { level, workload: scenario.settings }) : undefined,
  );
  return {
    schema: RECORD_SCHEMA,
    kind: 'scenario',
    id: newRecordId(date, git.commit),
    profile: profile.name,
    date: date.toISOString(),
    git,
    environment,
    settings,
    targets: targetInfos,
    results,
    ...(profile.capacity ? { capacity: capacityOf(results, targetInfos, profile.referenceBaseline) } : {}),
    notes,
  };
}
