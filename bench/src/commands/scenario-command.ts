/** `bench <scenario profile>`: run a scenario, print its table, write the record, the chart and the history. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError, benchCodes } from '../errors.ts';
import type { ScenarioProfile } from '../scenario.ts';
import { renderScenarioChartSvg } from '../report/scenario-chart.ts';
import { renderScenarioTable } from '../report/scenario-table.ts';
import { appendRecord } from '../results/history.ts';
import type { ScenarioRecord } from '../results/scenario-record.ts';
import { runScenario } from '../runner/run-scenario.ts';
import { REPO_DIR } from '../paths.ts';
import { parseIntegerList, parseNameList, parsePositiveInteger, parsePositiveNumber } from './parse.ts';

export interface ScenarioCommandOptions {
  readonly runtime: string;
  readonly duration: string;
  readonly warmup: string;
  readonly runs: string;
  readonly seed: string;
  readonly baselines: string;
  readonly history: string | false;
  readonly out: string;
  readonly json?: boolean;
  readonly progress?: boolean;
  /** The level list (`players`) and the profile's own options, by camel-cased name. */
  readonly [option: string]: unknown;
}

export interface ScenarioOutcome {
  readonly record: ScenarioRecord;
  readonly files: { readonly record: string; readonly table: string; readonly chart: string };
  readonly failures: number;
}

/** commander's camel-cased name of a flag (`--max-players <n>` -> maxPlayers). */
export function optionName(flags: string): string {
  return flags.replace(/^--/, '').split(' ')[0].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export async function scenarioCommand(profile: ScenarioProfile, options: ScenarioCommandOptions): Promise<ScenarioOutcome> {
  const runtimes = parseNameList('--runtime', options.runtime, profile.runtimes);
  if (runtimes.length > 0) {
    const flux = profile.fluxAvailable();
    if (!flux.available) throw new BenchError(benchCodes.UNAVAILABLE, `${flux.reason}; run the baselines alone with --runtime=none`);
  }
  const profileOptions: Record<string, string | undefined> = {};
  for (const option of profile.options) {
    const value = options[optionName(option.flags)];
    profileOptions[optionName(option.flags)] = typeof value === 'string' ? value : undefined;
  }
  const levelFlag = `--${profile.level.name}`;
  const levelValue = options[optionName(levelFlag)];
  const levels = typeof levelValue === 'string' ? parseIntegerList(levelFlag, levelValue) : [...profile.level.defaults];
  const baselineIds = options.baselines.trim() === 'all' ? undefined : parseNameList('--baselines', options.baselines, undefined);

  const record = await runScenario({
    profile,
    runtimes,
    baselines: baselineIds,
    levels,
    durationSeconds: parsePositiveNumber('--duration', options.duration),
    warmupSeconds: parsePositiveNumber('--warmup', options.warmup, { allowZero: true }),
    runs: parsePositiveInteger('--runs', options.runs),
    seed: parsePositiveInteger('--seed', options.seed, { allowZero: true }),
    profileOptions,
    allLevels: options.allLevels === true,
    repoDir: REPO_DIR,
    progress: options.progress !== false && Boolean(process.stderr.isTTY),
  });

  const dir = join(options.out, record.id);
  await mkdir(dir, { recursive: true });
  const files = { record: join(dir, 'results.json'), table: join(dir, 'table.txt'), chart: join(dir, 'chart.svg') };
  await writeFile(files.record, JSON.stringify(record, null, 2) + '\n');
  await writeFile(files.table, renderScenarioTable(record) + '\n');
  await writeFile(files.chart, await renderScenarioChartSvg(record));
  if (options.history !== false) await appendRecord(options.history, record);

  if (options.json) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
  else {
    process.stdout.write(renderScenarioTable(record, { color: Boolean(process.stdout.isTTY) }) + '\n');
    process.stdout.write(`record ${record.id}${options.history !== false ? ` appended to ${options.history}` : ' (history not written)'}\n`);
    process.stdout.write(`files: ${files.record}, ${files.table}, ${files.chart}\n`);
  }
  return { record, files, failures: record.targets.filter((t) => t.error).length };
}
