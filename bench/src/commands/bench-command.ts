/** `bench <profile>`: run a profile's benchmark, print the table, write the record, the chart and history. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError, benchCodes } from '../errors.ts';
import { chooseLoadClient } from '../load/load-choice.ts';
import { findWrk } from '../load/wrk-client.ts';
import type { Profile } from '../profile.ts';
import { renderChartSvg } from '../report/chart.ts';
import { renderTable } from '../report/table.ts';
import { appendRecord } from '../results/history.ts';
import type { BenchRecord } from '../results/record.ts';
import { runBenchmark } from '../runner/run-benchmark.ts';
import { REPO_DIR } from '../paths.ts';
import { parseIntegerList, parseNameList, parsePositiveInteger, parsePositiveNumber } from './parse.ts';

export interface BenchCommandOptions {
  readonly runtime: string;
  readonly connections?: string;
  readonly duration: string;
  readonly warmup: string;
  readonly runs: string;
  readonly seed: string;
  readonly baselines: string;
  readonly ceiling: boolean;
  /** `--load`: wrk, autocannon, or a profile's own client; undefined = the fastest installed. */
  readonly load?: string;
  readonly wrkThreads: string;
  readonly history: string | false;
  readonly out: string;
  readonly json?: boolean;
  readonly progress?: boolean;
  readonly [profileOption: string]: unknown;
}

export interface BenchOutcome {
  readonly record: BenchRecord;
  readonly files: { readonly record: string; readonly table: string; readonly chart: string };
  /** Targets that failed to start or died. */
  readonly failures: number;
}

export async function benchCommand(profile: Profile, options: BenchCommandOptions): Promise<BenchOutcome> {
  const runtimes = parseNameList('--runtime', options.runtime, profile.runtimes);
  if (runtimes.length > 0) {
    const flux = profile.fluxAvailable();
    if (!flux.available) throw new BenchError(benchCodes.UNAVAILABLE, `${flux.reason}; run the baselines alone with --runtime=none`);
  }
  const profileOptions: Record<string, string | undefined> = {};
  for (const option of profile.options) {
    const name = option.flags.replace(/^--/, '').split(' ')[0].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = options[name];
    profileOptions[name] = typeof value === 'string' ? value : undefined;
  }
  const support = profile.loadClientsFor?.(profileOptions) ?? { clients: profile.loadClients };
  const loadClient = chooseLoadClient({
    requested: options.load,
    supported: support.clients,
    why: support.why,
    wrkBinary: findWrk(),
    wrkThreads: parsePositiveInteger('--wrk-threads', options.wrkThreads),
  });
  // Checked against the profile's baselines once the workload is prepared.
  const baselineIds = options.baselines.trim() === 'all' ? undefined : parseNameList('--baselines', options.baselines, undefined);

  const record = await runBenchmark({
    profile,
    runtimes,
    baselines: baselineIds,
    ceiling: options.ceiling,
    loadClient,
    connections: options.connections ? parseIntegerList('--connections', options.connections) : [...profile.defaultConnections],
    durationSeconds: parsePositiveNumber('--duration', options.duration),
    warmupSeconds: parsePositiveNumber('--warmup', options.warmup, { allowZero: true }),
    runs: parsePositiveInteger('--runs', options.runs),
    seed: parsePositiveInteger('--seed', options.seed, { allowZero: true }),
    profileOptions,
    repoDir: REPO_DIR,
    progress: options.progress !== false && Boolean(process.stderr.isTTY),
  });

  const dir = join(options.out, record.id);
  await mkdir(dir, { recursive: true });
  const files = { record: join(dir, 'results.json'), table: join(dir, 'table.txt'), chart: join(dir, 'chart.svg') };
  const table = renderTable(record);
  await writeFile(files.record, JSON.stringify(record, null, 2) + '\n');
  await writeFile(files.table, table + '\n');
  await writeFile(files.chart, await renderChartSvg(record));
  if (options.history !== false) await appendRecord(options.history, record);

  if (options.json) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
  else {
    process.stdout.write(renderTable(record, { color: Boolean(process.stdout.isTTY) }) + '\n');
    process.stdout.write(`record ${record.id}${options.history !== false ? ` appended to ${options.history}` : ' (history not written)'}\n`);
    process.stdout.write(`files: ${files.record}, ${files.table}, ${files.chart}\n`);
  }
  return { record, files, failures: record.targets.filter((t) => t.error).length };
}
