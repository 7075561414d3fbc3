/**
 * `bench validate <profile>`: profile a Flux server on one run, predict every configuration with the simulator
 * and two cheap predictors (operational bounds; a USL fit), measure the same configurations with wrk, and
 * report predicted against measured with each predictor's error, an overlay chart and a record.
 *
 *   bench validate cpu --runtime=all --cores 1,2 --connections 1,10,100,1000 [--speedup Digest=2 --speedup-set rounds=2000]
 *
 * Pinning: the server runs under `taskset -c 0` for 1 core and `-c 0,1` for 2; wrk under `taskset -c 1` for
 * 1 core (its own core, never the server's) and unpinned for 2 (on a 2-core machine there is no third core: it
 * shares, and the simulator is told its CPU per request, measured in the profiling run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile, appendFile, chmod } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BenchError, benchCodes } from '../errors.ts';
import { findWrk } from '../load/wrk-client.ts';
import type { LoadClient, RunMeasurement } from '../load/types.ts';
import type { AnyProfile, Profile, PreparedWorkload } from '../profile.ts';
import { killAllChildren } from '../process/children.ts';
import { startTarget, type LaunchSpec, type RunningTarget } from '../process/target-process.ts';
import { BENCH_DIR, DEFAULT_LOCAL_DIR, REPO_DIR } from '../paths.ts';
import { gitInfo } from '../results/environment.ts';
import { compareCells, renderValidation, type Cell, type PredictorRow } from './validate-compare.ts';
import { parseIntegerList, parseNameList, parsePositiveInteger } from './parse.ts';
// The analysis package is a sibling in this repository; bench does not list it as a dependency (no install).
import { classifyImplementation, loadProgram, predict } from '@flux/analysis/simulate/run.ts';
import { pathToFileURL } from 'node:url';
import { operationalBounds } from '@flux/analysis/predict/operational-bounds.ts';
import { fitUsl, uslPredict } from '@flux/analysis/predict/usl.ts';
import { lineChartSvg, type Series } from '@flux/analysis/simulate/svg-chart.ts';
import type { ProfileInput } from '@flux/analysis/simulate/model.ts';
import { DEFAULT_COSTS, type RuntimeName } from '@flux/analysis/simulate/runtime-costs.ts';

const PROGRAMS: Record<string, string> = {
  web: join(REPO_DIR, 'servers/web/web.flux'),
  'image-scaler': join(REPO_DIR, 'servers/image-scaler/src/image-scaler.flux'),
  cpu: join(REPO_DIR, 'bench/targets/cpu/cpu.flux'),
};
/** The implementation modules: which nodes are asynchronous, decided as the runtime decides it. */
const IMPLEMENTATIONS: Record<string, string> = {
  web: join(REPO_DIR, 'servers/web/src/web.ts'),
  'image-scaler': join(REPO_DIR, 'servers/image-scaler/src/index.ts'),
  cpu: join(REPO_DIR, 'bench/targets/cpu/src/cpu.ts'),
};
export const VALIDATION_HISTORY = join(BENCH_DIR, 'results', 'validation.jsonl');

export interface ValidateOptions {
  readonly runtime: string;
  readonly cores: string;
  readonly connections: string;
  readonly duration: string;
  readonly warmup: string;
  readonly runs: string;
  readonly profileConnections: string;
  readonly profileSeconds: string;
  readonly seed: string;
  readonly speedup?: string;
  readonly speedupSet?: string;
  readonly history: string | false;
  readonly out: string;
  readonly repredict?: string;
  readonly minPathShare: string;
  readonly [profileOption: string]: unknown;
}

export function registerValidateCommand(program: Command, profiles: readonly AnyProfile[]): void {
  const command = program
    .command('validate <profile>')
    .description('profile a Flux server once, predict each runtime/cores/connections with the simulator and two cheap predictors, measure, and compare')
    .option('--runtime <list>', 'Flux runtimes, or all', 'all')
    .option('--cores <list>', 'cores the server is pinned to (taskset): 1 = cpu 0, 2 = cpus 0,1', '1,2')
    .option('--connections <list>', 'connection counts', '1,10,100,1000')
    .option('--duration <seconds>', 'length of each measured run', '3')
    .option('--warmup <seconds>', 'warm-up before each target at each connection count', '1')
    .option('--runs <n>', 'measured runs per cell, interleaved across targets (medians)', '3')
    .option('--profile-connections <n>', 'connections of the profiling run (event, 1 core)', '10')
    .option('--profile-seconds <n>', 'length of the profiling run', '5')
    .option('--seed <n>', 'seed of the workload and of the simulator', '1')
    .option('--speedup <Node=factor>', "also check the simulator's virtual speedup of this node against a real one")
    .option('--speedup-set <option=value>', 'the profile option that really speeds the node up (cpu: rounds=<half>)')
    .option('--history <file>', 'validation records (one JSON a line)', VALIDATION_HISTORY)
    .option('--no-history', 'do not append the record')
    .option('--min-path-share <p>', 'leave out paths taken by fewer than this share of the profiled flows (the cold start: cache misses, prefill)', '0.001')
    .option('--repredict <dir>', "a stored validation's directory: predict its measurements again with the simulator as it is now (no measuring)")
    .option('--out <dir>', 'where the table, chart and record go', DEFAULT_LOCAL_DIR);
  const seen = new Set<string>();
  for (const p of profiles) {
    if (p.kind !== undefined && p.kind !== 'load') continue;
    for (const o of (p as Profile).options) {
      const flag = o.flags.split(' ')[0]!;
      if (seen.has(flag) || ['--runtime', '--connections', '--duration', '--warmup', '--runs', '--seed', '--out', '--history', '--threads'].includes(flag)) continue;
      seen.add(flag);
      command.option(o.flags, `${o.description} (${p.name})`);
    }
  }
  command.action(async (name: string, options: ValidateOptions) => {
    const profile = profiles.find((p) => p.name === name && (p.kind === undefined || p.kind === 'load')) as Profile | undefined;
    try {
      if (profile === undefined || PROGRAMS[name] === undefined) throw new BenchError(benchCodes.USAGE, `validate: no HTTP profile ${name} with a known program (${Object.keys(PROGRAMS).join(', ')})`);
      process.exitCode = options.repredict !== undefined ? await repredict(options.repredict as string, options.history, Number(options.minPathShare)) : await validate(profile, options);
    } catch (error) {
      await killAllChildren();
      process.stderr.write(`bench validate: ${error instanceof BenchError ? `${error.code}: ` : ''}${(error as Error).message}\n`);
      process.exitCode = 2;
    }
  });
}

interface Config {
  readonly runtime: RuntimeName;
  readonly cores: number;
}

async function validate(profile: Profile, options: ValidateOptions): Promise<number> {
  const runtimes = (options.runtime === 'all' ? ['event', 'threadpool', 'thread', 'workers'] : parseNameList('--runtime', options.runtime, profile.runtimes)) as RuntimeName[];
  for (const r of runtimes) if (!profile.runtimes.includes(r)) throw new BenchError(benchCodes.USAGE, `--runtime ${r}: ${profile.name} does not run under it`);
  const coreCounts = parseIntegerList('--cores', options.cores);
  for (const c of coreCounts) if (c < 1 || c > 2) throw new BenchError(benchCodes.USAGE, '--cores: 1 or 2 (the server is pinned to cpus 0 or 0,1)');
  const connections = parseIntegerList('--connections', options.connections);
  const duration = parsePositiveInteger('--duration', options.duration);
  const warmup = Number(options.warmup);
  const runs = parsePositiveInteger('--runs', options.runs);
  const seed = parsePositiveInteger('--seed', options.seed);
  const wrk = findWrk();
  if (wrk === undefined) throw new BenchError(benchCodes.USAGE, 'validate needs wrk (apt-get install wrk)');
  if (spawnSync('taskset', ['-c', '0', 'true']).status !== 0) throw new BenchError(benchCodes.USAGE, 'validate needs taskset (util-linux) to pin the server');
  const log = (m: string): void => void process.stderr.write(`validate: ${m}\n`);
  const profileOptions = Object.fromEntries(profile.options.map((o) => {
    const key = camel(o.flags.split(' ')[0]!.slice(2));
    return [key, (options[key] as string | undefined) ?? o.defaultValue];
  }));
  const work = await mkdtemp(join(tmpdir(), 'flux-validate-'));
  const started = new Date();
  const load0 = loadavg()[0]!;
  try {
    const wrkPinned = await wrapper(work, 'wrk-cpu1', wrk, '1');
    const wrkFree = wrk;
    const prepared = await profile.prepare({ seed, runtimes, options: profileOptions, log });

    // 1. One profiling run: event, 1 core, wrk on the other core.
    log(`profiling: event on cpu 0, ${options.profileConnections} connections for ${options.profileSeconds} s`);
    const statsFile = join(work, 'profile-stats.json');
    const calibration = await profileRun(prepared, wrkPinned, statsFile, Number(options.profileConnections), Number(options.profileSeconds), warmup);
    const stats = JSON.parse(await readFile(statsFile, 'utf8')) as ProfileInput & { flows: { started: number } };
    const speedups = parseSpeedup(options.speedup);
    const configs: Config[] = coreCounts.flatMap((cores) => runtimes.map((runtime) => ({ runtime, cores })));
    const modelSetup = await setupModel(profile.name, stats, calibration, seed, Number(options.minPathShare));
    log(`profile: ${calibration.throughput.toFixed(0)} req/s, server CPU ${calibration.serverCpuUs.toFixed(1)} us/request (nodes ${modelSetup.nodeUs.toFixed(1)}, the rest ${modelSetup.ioUs.toFixed(1)}), wrk ${calibration.clientCpuUs.toFixed(1)} us/request; at 1 connection p50 ${(calibration.latency1Us / 1000).toFixed(3)} ms, CPU ${calibration.cpu1Us.toFixed(1)} us/request: wake-up ${modelSetup.costs.wakeUs.toFixed(0)} us`);
    for (const note of modelSetup.notes) log(`model: ${note}`);

    // 2. Measurements, all targets of all configurations started once, runs interleaved; with --speedup, the
    // same server asked to do less measured beside each run (side by side, so that the ratio meets one machine).
    let fastPrepared: PreparedWorkload | null = null;
    if (speedups !== null) {
      if (options.speedupSet === undefined) throw new BenchError(benchCodes.USAGE, '--speedup needs --speedup-set <option>=<value> (what really makes the node faster)');
      const [opt, value] = options.speedupSet.split('=');
      log(`speedup: ${speedups.node} x${speedups.factor} in the model; measured with --${opt} ${value}, alternating with the profiled workload`);
      fastPrepared = await profile.prepare({ seed, runtimes, options: { ...profileOptions, [camel(opt!)]: value }, log });
    }
    const [measured, fastMeasuredOrNone] = (await measureAll(fastPrepared === null ? [prepared] : [prepared, fastPrepared], configs, connections, { wrkPinned, wrkFree, duration, warmup, runs, log })) as [Map<string, Map<number, MeasuredCell>>, Map<string, Map<number, MeasuredCell>> | undefined];
    const fastMeasured = fastMeasuredOrNone ?? null;
    // 4. Predictions for each cell, for the machine as it was then, and the comparison.
    const { cells, summary, speedupRows } = predictAndCompare(modelSetup, calibration, configs, connections, measured, speedups,
      fastMeasured === null ? null : (c, n) => {
        const f = fastMeasured!.get(key(c))!.get(n);
        return f === undefined ? undefined : { throughput: f.throughput, share: f.background };
      });
    const { nodeUs, ioUs, costs } = modelSetup;
    const base = { model: { notes: modelSetup.notes } };
    const speedupReport = speedups === null ? null : { node: speedups.node, factor: speedups.factor, set: options.speedupSet, rows: speedupRows };
    const speedupText = speedups === null ? '' : speedupTable(speedups, options.speedupSet!, speedupRows);

    // 6. Report.
    const load1 = loadavg()[0]!;
    const header = `bench validate ${profile.name}: ${runtimes.join(', ')}; cores ${coreCounts.join(', ')}; connections ${connections.join(', ')}; ` +
      `${runs} x ${duration} s runs (medians); load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end; ` +
      `share of a core a spinning thread got before the runs ("share"): ${Math.min(...cells.map((c) => c.background ?? 0)).toFixed(2)}-${Math.max(...cells.map((c) => c.background ?? 0)).toFixed(2)}, ` +
      `profile ${calibration.background.toFixed(2)} (the simulator and the bounds are given each cell's)\n` +
      `profile: event, 1 core, ${options.profileConnections} connections: ${calibration.throughput.toFixed(0)} req/s; server CPU ${calibration.serverCpuUs.toFixed(1)} us/request ` +
      `(nodes ${nodeUs.toFixed(1)} us, outside nodes ${ioUs.toFixed(1)} us); wrk ${calibration.clientCpuUs.toFixed(1)} us/request; ` +
      `1 connection: p50 ${(calibration.latency1Us / 1000).toFixed(3)} ms, CPU ${calibration.cpu1Us.toFixed(1)} us/request, so a wake-up costs ${costs.wakeUs.toFixed(0)} us\n` +
      `pinning: server taskset -c 0 (1 core) or 0,1 (2 cores); wrk taskset -c 1 with 1 core, unpinned (sharing) with 2\n`;
    const table = header + renderValidation(cells, summary) + speedupText;
    process.stdout.write(table);
    const id = `${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-validate-${profile.name}`;
    const dir = join(options.out, id);
    await mkdir(dir, { recursive: true });
    const chart = validationChart(profile.name, cells, coreCounts, runtimes);
    const record = {
      schema: 1, id, kind: 'validation', profile: profile.name, date: started.toISOString(), git: gitInfo(REPO_DIR),
      environment: { loadAverageStart: load0, loadAverageEnd: load1, cores: 2 },
      settings: { runtimes, cores: coreCounts, connections, duration, warmup, runs, seed, profileConnections: Number(options.profileConnections), profileSeconds: Number(options.profileSeconds), profileOptions },
      calibration: { ...calibration, nodeUs, ioUs, wakeUs: costs.wakeUs, notes: base.model.notes },
      cells, summary, speedup: speedupReport,
      fastCells: fastMeasured === null ? null : Object.fromEntries([...fastMeasured].map(([k, m]) => [k, Object.fromEntries(m)])),
    };
    await writeFile(join(dir, 'table.txt'), table);
    await writeFile(join(dir, 'chart.svg'), chart);
    await writeFile(join(dir, 'results.json'), `${JSON.stringify(record, null, 2)}\n`);
    await writeFile(join(dir, 'profile-stats.json'), JSON.stringify(stats));
    if (options.history !== false) await appendFile(options.history, `${JSON.stringify(record)}\n`);
    process.stdout.write(`\nrecord ${id}: ${dir}/{table.txt,chart.svg,results.json,profile-stats.json}\n`);
    return 0;
  } finally {
    await killAllChildren();
    await rm(work, { recursive: true, force: true });
  }
}

interface ModelSetup {
  readonly profileName: string;
  readonly common: Omit<Parameters<typeof predict>[0], 'runtime' | 'cores' | 'connections'>;
  readonly costs: typeof DEFAULT_COSTS;
  readonly nodeUs: number;
  readonly ioUs: number;
  readonly notes: readonly string[];
}

/** The simulator's inputs from a profile and the calibration of the same run. */
async function setupModel(profileName: string, stats: ProfileInput, calibration: Calibration, seed: number, minPathShare: number): Promise<ModelSetup> {
  const ir = loadProgram(PROGRAMS[profileName]!);
  const declared = await classifyImplementation(pathToFileURL(IMPLEMENTATIONS[profileName]!).href);
  // Environment constants from the same run: the wake-up of an idle thread (at 1 connection every request
  // pays it: latency minus CPU minus the network both ways), and the process's CPU per request.
  const costs = { ...DEFAULT_COSTS, wakeUs: Math.max(0, calibration.latency1Us - 2 * DEFAULT_COSTS.netUs - calibration.cpu1Us * stretchOf(calibration.background)) };
  const common = { ir, profile: stats, seed, cpuPerRequestUs: calibration.serverCpuUs, minPathShare, tailCut: 4, asyncNodes: declared.async, syncNodes: declared.sync, costs };
  const base = predict({ ...common, runtime: 'event', cores: 1, connections: [1], measure: 10 });
  return { profileName, common, costs, ioUs: base.ioUs, nodeUs: base.compiled.demand.home + base.compiled.demand.pool - base.ioUs, notes: base.model.notes };
}

type SpeedupRow = { runtime: string; cores: number; connections: number; predicted: number; measured: number; error: number };

function predictAndCompare(
  setup: ModelSetup,
  calibration: Calibration,
  configs: readonly Config[],
  connections: readonly number[],
  measured: ReadonlyMap<string, ReadonlyMap<number, MeasuredCell>>,
  speedups: { node: string; factor: number } | null,
  fastThroughput: ((c: Config, n: number) => { throughput: number; share?: number } | undefined) | null,
): { cells: Cell[]; summary: ReturnType<typeof compareCells>; speedupRows: SpeedupRow[] } {
  const simulateCell = (c: Config, n: number, share: number, withSpeedup: boolean) =>
    predict({
      ...setup.common, runtime: c.runtime, cores: c.cores, connections: [n], cpuStretch: stretchOf(share),
      clientCpuUs: c.cores === 2 ? calibration.clientCpuUs : 0,
      speedups: withSpeedup && speedups ? new Map([[speedups.node, speedups.factor]]) : undefined,
      measure: 20000,
    });
  const cells: Cell[] = [];
  const speedupRows: SpeedupRow[] = [];
  for (const c of configs) {
    const meas = measured.get(key(c))!;
    const uslPoints = connections.filter((n) => n === 1 || n === 10).map((n) => ({ connections: n, throughput: meas.get(n)?.throughput ?? NaN }));
    let usl: PredictorRow[] | null = null;
    try {
      usl = uslPredict(fitUsl(uslPoints.filter((p) => Number.isFinite(p.throughput))), connections);
    } catch {
      usl = null;
    }
    connections.forEach((n, i) => {
      const m = meas.get(n);
      const share = m?.background ?? calibration.background;
      const sim = simulateCell(c, n, share, false);
      const bounds = operationalBounds({ model: sim.model, compiled: sim.compiled, cores: c.cores, cpuStretch: stretchOf(share) }, [n])[0]!;
      cells.push({
        runtime: c.runtime, cores: c.cores, connections: n, background: share,
        measured: m ?? null,
        simulator: { throughput: sim.rows[0]!.throughput, p50Ms: sim.rows[0]!.p50Ms, p99Ms: sim.rows[0]!.p99Ms },
        bounds: { throughput: bounds.throughput, p50Ms: bounds.p50Ms },
        usl: usl ? { throughput: usl[i]!.throughput, p50Ms: usl[i]!.p50Ms } : null,
        uslFitted: n === 1 || n === 10,
      });
      const fast = fastThroughput?.(c, n);
      if (speedups !== null && m !== undefined && fast !== undefined) {
        // Each prediction for the machine as it was during its own runs (older records: the slow run's share).
        const predicted = simulateCell(c, n, fast.share ?? share, true).rows[0]!.throughput / sim.rows[0]!.throughput;
        const real = fast.throughput / m.throughput;
        speedupRows.push({ runtime: c.runtime, cores: c.cores, connections: n, predicted, measured: real, error: predicted / real - 1 });
      }
    });
  }
  return { cells, summary: compareCells(cells), speedupRows };
}

function speedupTable(speedups: { node: string; factor: number }, set: string, rows: readonly SpeedupRow[]): string {
  const [opt, value] = set.split('=');
  return `\nSpeedup ${speedups.node} x${speedups.factor} (model) against --${opt} ${value} (measured): throughput ratio fast / slow\n` +
    rows.map((r) => `  ${r.runtime.padEnd(10)} ${r.cores} core  c=${String(r.connections).padEnd(5)} predicted ${r.predicted.toFixed(2)}x  measured ${r.measured.toFixed(2)}x  error ${(r.error * 100).toFixed(1)}%`).join('\n') +
    `\n  within 10%: ${rows.filter((r) => Math.abs(r.error) <= 0.1).length}/${rows.length}; median |error| ${(medianOf(rows.map((r) => Math.abs(r.error))) * 100).toFixed(1)}%\n`;
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * `--repredict <record dir>`: the predictions of a stored validation recomputed with the simulator as it is now
 * (same profile, calibration and measurements); written beside the original as `*-repredicted.*`.
 */
async function repredict(dir: string, history: string | false, minPathShare: number): Promise<number> {
  const record = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as {
    id: string; profile: string; settings: { runtimes: RuntimeName[]; cores: number[]; connections: number[]; seed: number };
    calibration: Calibration; cells: Cell[]; speedup: { node: string; factor: number; set: string; rows: SpeedupRow[] } | null;
    fastCells?: Record<string, Record<string, MeasuredCell>> | null; environment: unknown;
  };
  const stats = JSON.parse(await readFile(join(dir, 'profile-stats.json'), 'utf8')) as ProfileInput;
  const { runtimes, cores, connections, seed } = record.settings;
  const configs: Config[] = cores.flatMap((c) => runtimes.map((runtime) => ({ runtime, cores: c })));
  const measured = new Map<string, Map<number, MeasuredCell>>();
  for (const c of record.cells) {
    const k = `${c.runtime}/${c.cores}`;
    if (!measured.has(k)) measured.set(k, new Map());
    if (c.measured !== null) measured.get(k)!.set(c.connections, { ...(c.measured as MeasuredCell), background: c.background ?? record.calibration.background });
  }
  const setup = await setupModel(record.profile, stats, record.calibration, seed, minPathShare);
  const speedups = record.speedup === null ? null : { node: record.speedup.node, factor: record.speedup.factor };
  const fastOf = (c: Config, n: number): { throughput: number; share?: number } | undefined => {
    const stored = record.fastCells?.[key(c)]?.[String(n)];
    if (stored !== undefined) return { throughput: stored.throughput, share: stored.background };
    const row = record.speedup?.rows.find((r) => r.runtime === c.runtime && r.cores === c.cores && r.connections === n);
    const slow = measured.get(key(c))?.get(n)?.throughput;
    return row !== undefined && slow !== undefined ? { throughput: row.measured * slow } : undefined;
  };
  const { cells, summary, speedupRows } = predictAndCompare(setup, record.calibration, configs, connections, measured, speedups, speedups === null ? null : fastOf);
  const id = `${record.id}-repredicted`;
  const text = `bench validate ${record.profile}: the measurements of ${record.id}, predicted again by the simulator at ${gitInfo(REPO_DIR).commit ?? 'unknown commit'}\n` +
    `paths below ${minPathShare} of the profiled flows left out; calibration: server CPU ${record.calibration.serverCpuUs.toFixed(1)} us/request (nodes ${setup.nodeUs.toFixed(1)}, outside ${setup.ioUs.toFixed(1)}), wrk ${record.calibration.clientCpuUs.toFixed(1)} us/request, wake-up ${setup.costs.wakeUs.toFixed(0)} us\n` +
    renderValidation(cells, summary) + (speedups === null ? '' : speedupTable(speedups, record.speedup!.set, speedupRows));
  process.stdout.write(text);
  const out = { ...record, id, repredictedFrom: record.id, minPathShare, git: gitInfo(REPO_DIR), cells, summary, speedup: speedups === null ? null : { ...record.speedup, rows: speedupRows } };
  await writeFile(join(dir, 'table-repredicted.txt'), text);
  await writeFile(join(dir, 'chart-repredicted.svg'), validationChart(record.profile, cells, cores, runtimes));
  await writeFile(join(dir, 'results-repredicted.json'), `${JSON.stringify(out, null, 2)}\n`);
  if (history !== false) await appendFile(history, `${JSON.stringify(out)}\n`);
  return 0;
}

interface Calibration {
  throughput: number;
  serverCpuUs: number;
  clientCpuUs: number;
  /** At 1 connection: median latency and the server's CPU per request. */
  latency1Us: number;
  cpu1Us: number;
  /** Share of core 0 a spinning thread got just before the profiling run. */
  background: number;
}

async function profileRun(prepared: PreparedWorkload, wrkPinned: string, statsFile: string, connections: number, seconds: number, warmup: number): Promise<Calibration> {
  const spec = await prepared.fluxTarget('event').launch();
  // Every call timed: this machine's thread CPU clock advances in scheduler ticks, so a mean needs many calls.
  const target = await startTarget({ ...pinned(spec, '0', ['--stats-out', statsFile]), env: { ...process.env, ...spec.env, FLUX_STATS_SAMPLE_EVERY: '1' } });
  const client = prepared.createLoadClient({ kind: 'wrk', wrkBinary: wrkPinned, wrkThreads: 1 });
  try {
    await client.open();
    if (warmup > 0) await client.run({ url: target.url, connections, durationSeconds: Math.max(1, Math.round(warmup)), warmup: true });
    const background = await probeCoreShare([0]);
    const before = processCpuSeconds(target.pid);
    const m = await client.run({ url: target.url, connections, durationSeconds: seconds, warmup: false });
    const after = processCpuSeconds(target.pid);
    const one = await client.run({ url: target.url, connections: 1, durationSeconds: 2, warmup: false });
    const afterOne = processCpuSeconds(target.pid);
    return {
      throughput: m.requestsPerSecond,
      serverCpuUs: ((after - before) / Math.max(1, m.requests)) * 1e6,
      clientCpuUs: m.loadClientCpuSeconds !== undefined ? (m.loadClientCpuSeconds / Math.max(1, m.requests)) * 1e6 : 0,
      latency1Us: one.latencyMs.p50 * 1000,
      cpu1Us: ((afterOne - after) / Math.max(1, one.requests)) * 1e6,
      background,
    };
  } finally {
    await client.close();
    const exit = await target.stop(10_000);
    if (exit.code !== 0) throw new BenchError(benchCodes.TARGET_EXITED, `the profiled server did not stop cleanly (${exit.code ?? exit.signal}): ${target.stderrTail()}`);
  }
}

interface MeasuredCell {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  runs: number[];
  serverCpuUs: number;
  errors: number;
  /** Share of a core a spinning thread got on the cell's cores just before each run (mean over the runs). */
  background: number;
}

/**
 * Measures every configuration under each workload (the second, when given, is the same server asked to do
 * less: the real speedup), all targets started once, runs interleaved: round by round, configuration by
 * configuration, the workloads back to back in alternating order, so that a ratio between them is taken side by
 * side on the same machine.
 */
async function measureAll(
  workloads: readonly PreparedWorkload[],
  configs: readonly Config[],
  connections: readonly number[],
  o: { wrkPinned: string; wrkFree: string; duration: number; warmup: number; runs: number; log: (m: string) => void },
): Promise<Map<string, Map<number, MeasuredCell>>[]> {
  const outs = workloads.map(() => new Map<string, Map<number, MeasuredCell>>());
  const targets = new Map<string, RunningTarget>();
  const clients = new Map<string, LoadClient>();
  const started: RunningTarget[] = [];
  const tkey = (w: number, c: Config) => `${w}:${key(c)}`;
  try {
    for (const c of configs) {
      let previous: { args: string; target: RunningTarget } | null = null;
      for (let w = 0; w < workloads.length; w++) {
        const spec = await workloads[w]!.fluxTarget(c.runtime).launch();
        const args = JSON.stringify([spec.command, spec.args]);
        if (previous !== null && previous.args === args) targets.set(tkey(w, c), previous.target);
        else {
          const target = await startTarget(pinned(spec, c.cores === 1 ? '0' : '0,1', []));
          started.push(target);
          targets.set(tkey(w, c), target);
          previous = { args, target };
        }
        outs[w]!.set(key(c), new Map());
      }
    }
    for (const cores of new Set(configs.map((c) => c.cores))) {
      for (let w = 0; w < workloads.length; w++) {
        const client = workloads[w]!.createLoadClient({ kind: 'wrk', wrkBinary: cores === 1 ? o.wrkPinned : o.wrkFree, wrkThreads: 1 });
        await client.open();
        clients.set(`${w}:${cores}`, client);
      }
    }
    for (const n of connections) {
      const samples = new Map<string, { m: RunMeasurement; cpuUs: number; background: number }[]>();
      for (const c of configs) {
        for (let w = 0; w < workloads.length; w++) {
          const t = targets.get(tkey(w, c))!;
          if (o.warmup > 0) await clients.get(`${w}:${c.cores}`)!.run({ url: t.url, connections: n, durationSeconds: Math.max(1, Math.round(o.warmup)), warmup: true });
          samples.set(tkey(w, c), []);
        }
      }
      for (let round = 0; round < o.runs; round++) {
        const order = configs.map((_, i) => configs[(i + round) % configs.length]!);
        for (const c of order) {
          for (let k = 0; k < workloads.length; k++) {
            const w = (k + round) % workloads.length;
            const t = targets.get(tkey(w, c))!;
            o.log(`measure ${c.runtime} ${c.cores} core${c.cores > 1 ? 's' : ''} c=${n}${workloads.length > 1 ? ` workload ${w + 1}` : ''} run ${round + 1}/${o.runs} (load ${loadavg()[0]!.toFixed(2)})`);
            // As many spinners as the runtime keeps threads busy: event one, the others one per core.
            const background = await probeCoreShare(c.cores === 1 ? [0] : [0, 1], c.runtime === 'event' ? 1 : c.cores);
            const before = processCpuSeconds(t.pid);
            const m = await clients.get(`${w}:${c.cores}`)!.run({ url: t.url, connections: n, durationSeconds: o.duration, warmup: false });
            const after = processCpuSeconds(t.pid);
            samples.get(tkey(w, c))!.push({ m, cpuUs: ((after - before) / Math.max(1, m.requests)) * 1e6, background });
          }
        }
      }
      for (const c of configs) {
        for (let w = 0; w < workloads.length; w++) {
          const list = samples.get(tkey(w, c))!;
          outs[w]!.get(key(c))!.set(n, {
            throughput: median(list.map((s) => s.m.requestsPerSecond)),
            p50Ms: median(list.map((s) => s.m.latencyMs.p50)),
            p99Ms: median(list.map((s) => s.m.latencyMs.p99)),
            runs: list.map((s) => s.m.requestsPerSecond),
            serverCpuUs: median(list.map((s) => s.cpuUs)),
            errors: list.reduce((a, s) => a + s.m.errors + s.m.non2xx, 0),
            background: list.reduce((a, s) => a + s.background, 0) / Math.max(1, list.length),
          });
        }
      }
    }
  } finally {
    for (const client of clients.values()) await client.close();
    for (const t of started) await t.stop(10_000);
  }
  return outs;
}

function pinned(spec: LaunchSpec, cpus: string, extra: readonly string[]): LaunchSpec {
  return { ...spec, command: 'taskset', args: ['-c', cpus, spec.command, ...spec.args, ...extra] };
}

async function wrapper(dir: string, name: string, binary: string, cpus: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\nexec taskset -c ${cpus} ${JSON.stringify(binary)} "$@"\n`);
  await chmod(file, 0o755);
  return file;
}

const PROBE = 'const t0 = performance.now(); const c0 = process.cpuUsage(); while (performance.now() - t0 < 300); ' +
  'const c = process.cpuUsage(c0); process.stdout.write(String((c.user + c.system) / 1000 / (performance.now() - t0)));';

/**
 * The share of a core a CPU-bound thread gets right now: `spinners` processes spinning for 300 ms, each allowed
 * on all of `cpus` (as the server's threads are: one busy thread migrates to the less loaded core), their CPU
 * time over their wall time, averaged. Other work on the machine takes the rest; the simulator and the bounds
 * are told each cell's share (every CPU burst takes 1 / share of its CPU time).
 */
export async function probeCoreShare(cpus: readonly number[], spinners = cpus.length): Promise<number> {
  const list = cpus.join(',');
  const one = () =>
    new Promise<number>((resolve) => {
      const child = spawn('taskset', ['-c', list, process.execPath, '-e', PROBE], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(Math.min(1, Math.max(0.02, Number(out) || 1))));
    });
  const shares = await Promise.all(Array.from({ length: Math.max(1, spinners) }, one));
  return shares.reduce((a, b) => a + b, 0) / shares.length;
}

const stretchOf = (share: number): number => 1 / share;

/** utime + stime of every thread of the process, in seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function parseSpeedup(text: string | undefined): { node: string; factor: number } | null {
  if (text === undefined) return null;
  const m = /^(\w+)=([0-9.]+)$/.exec(text);
  if (!m || !(Number(m[2]) > 0)) throw new BenchError(benchCodes.USAGE, `--speedup ${text}: expected Node=factor`);
  return { node: m[1]!, factor: Number(m[2]) };
}

function validationChart(name: string, cells: readonly Cell[], coreCounts: readonly number[], runtimes: readonly string[]): string {
  const panels = coreCounts.flatMap((cores) =>
    (['throughput', 'p50Ms'] as const).map((metric) => {
      const series: Series[] = [];
      for (const r of runtimes) {
        const mine = cells.filter((c) => c.cores === cores && c.runtime === r);
        const pts = (f: (c: Cell) => number | undefined) => mine.map((c) => ({ x: c.connections, y: f(c) ?? NaN }));
        series.push({ name: `${r} measured`, points: pts((c) => c.measured?.[metric]) });
        series.push({ name: `${r} simulated`, dashed: true, points: pts((c) => c.simulator[metric]) });
      }
      return { title: `${metric === 'throughput' ? 'req/s' : 'p50 ms'}, ${cores} core${cores > 1 ? 's' : ''}`, yLabel: metric === 'throughput' ? 'req/s' : 'ms', series };
    }),
  );
  return lineChartSvg({ title: `bench validate ${name}: measured (solid) against simulated (dashed)`, xLabel: 'connections', logX: true, panels });
}

const key = (c: Config): string => `${c.runtime}/${c.cores}`;
const camel = (s: string): string => s.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
