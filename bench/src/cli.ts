/**
 * The benchmark harness's command line (`pnpm bench ...` at the repository root):
 *
 *   bench web --runtime=threadpool --connections=1,10,100,1000 --duration=10 --runs=3
 *   bench compare [--baseline <record id|file>] [--fail-on-regression]
 *   bench history
 */
import { Command, Option } from 'commander';
import { profiles } from '../profiles/index.ts';
import { BenchError } from './errors.ts';
import { benchCommand, type BenchCommandOptions } from './commands/bench-command.ts';
import { compareCommand, type CompareCommandOptions } from './commands/compare-command.ts';
import { registerValidateCommand } from './commands/validate-command.ts';
import { scenarioCommand, type ScenarioCommandOptions } from './commands/scenario-command.ts';
import type { ScenarioProfile } from './scenario.ts';
import { isScenarioRecord } from './results/scenario-record.ts';
import { formatMetric } from './report/format.ts';
import { readHistory } from './results/history.ts';
import { DEFAULT_HISTORY, DEFAULT_LOCAL_DIR } from './paths.ts';
import { formatRate } from './report/format.ts';

function fail(error: unknown): never {
  if (error instanceof BenchError) process.stderr.write(`bench: ${error.code}: ${error.message}\n`);
  else if (error instanceof Error) process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  else process.stderr.write(`bench: ${String(error)}\n`);
  process.exit(2);
}

const program = new Command('bench')
  .description('Benchmarks for Flux servers: each runtime against hand-written baselines, with history and significance tests.')
  .showHelpAfterError();

for (const profile of profiles) {
  if (profile.kind === 'scenario') {
    addScenarioCommand(profile);
    continue;
  }
  const command = program
    .command(profile.name)
    .description(profile.summary)
    .option('--runtime <list>', `Flux runtimes: ${profile.runtimes.join(', ')}, all, or none (baselines only)`, 'all')
    .option('--connections <list>', 'comma-separated connection counts', profile.defaultConnections.join(','))
    .option('--duration <seconds>', 'length of each measured run', '10')
    .option('--warmup <seconds>', 'warm-up before the first run of each target at each connection count', '2')
    .option('--runs <n>', 'measured runs per target and connection count (medians over them)', '3')
    .option('--seed <n>', 'seed of the workload and the request sequence', '1')
    .option('--baselines <list>', 'baseline ids (comma-separated), all, or none', 'all')
    .option('--no-ceiling', 'do not measure the load generator ceiling')
    .option('--load <client>', `load generator: ${profile.loadClients.join(', ')} (default: the first installed${profile.loadClientsFor ? ' that the options allow' : ''})`)
    .option('--wrk-threads <n>', 'wrk threads, when wrk drives the run; keep the other cores for the server', '1')
    .option('--history <file>', 'results history to append the record to', DEFAULT_HISTORY)
    .option('--no-history', 'do not append to the history')
    .option('--out <dir>', 'where per-run files (record, table, chart) go', DEFAULT_LOCAL_DIR)
    .option('--json', 'print the record as JSON instead of the table')
    .addOption(new Option('--no-progress', 'no progress bar even on a terminal'));
  for (const option of profile.options) command.option(option.flags, option.description, option.defaultValue);
  command.action(async (options: BenchCommandOptions) => {
    try {
      const outcome = await benchCommand(profile, options);
      process.exitCode = outcome.failures > 0 ? 1 : 0;
    } catch (error) {
      fail(error);
    }
  });
}

/** A scenario profile's command: no load client, no ceiling; its level (`--players`) instead of connections. */
function addScenarioCommand(profile: ScenarioProfile): void {
  const command = program
    .command(profile.name)
    .description(profile.summary)
    .option('--runtime <list>', `Flux runtimes: ${profile.runtimes.join(', ')}, all, or none (baselines only)`, 'all')
    .option(`--${profile.level.name} <list>`, `comma-separated ${profile.level.description}`, profile.level.defaults.join(','))
    .option('--duration <seconds>', 'length of each measured run', '10')
    .option('--warmup <seconds>', 'warm-up run before the first run of each target at each level (0: none)', '0')
    .option('--runs <n>', 'measured runs per target and level (medians over them)', '3')
    .option('--seed <n>', 'seed of the workload', '1')
    .option('--baselines <list>', 'baseline ids (comma-separated), all, or none', 'all')
    .option('--history <file>', 'results history to append the record to', DEFAULT_HISTORY)
    .option('--no-history', 'do not append to the history')
    .option('--out <dir>', 'where per-run files (record, table, chart) go', DEFAULT_LOCAL_DIR)
    .option('--json', 'print the record as JSON instead of the table')
    .addOption(new Option('--no-progress', 'no progress bar even on a terminal'));
  if (profile.capacity?.stopAtFirstMiss) {
    command.option(`--all-levels`, `run a target at every ${profile.level.name} count, also past the first it did not hold`);
  }
  for (const option of profile.options) command.option(option.flags, option.description, option.defaultValue);
  command.action(async (options: ScenarioCommandOptions) => {
    try {
      const outcome = await scenarioCommand(profile, options);
      process.exitCode = outcome.failures > 0 ? 1 : 0;
    } catch (error) {
      fail(error);
    }
  });
}

program
  .command('compare')
  .description('compare a run with a stored one: significant changes in per-run throughput')
  .option('--baseline <id|file>', 'record id (or prefix) in the history, or a results.json / history file (default: the previous record of the same profile)')
  .option('--current <id|file>', 'the record to judge (default: the latest in the history)')
  .option('--history <file>', 'results history', DEFAULT_HISTORY)
  .option('--alpha <p>', 'significance level', '0.05')
  .option('--min-change <fraction>', 'smallest relative change that counts (0.02 = 2%)', '0.02')
  .option('--test <name>', "welch (Welch's t-test) or mann-whitney", 'welch')
  .option('--relative', "judge each run's throughput over the reference baseline's in the same round (cancels a slower machine)")
  .option('--fail-on-regression', 'exit 1 when a significant regression is found')
  .option('--markdown', 'print a markdown table (for CI summaries)')
  .action(async (options: CompareCommandOptions) => {
    try {
      const { exitCode } = await compareCommand(options);
      process.exitCode = exitCode;
    } catch (error) {
      fail(error);
    }
  });

program
  .command('history')
  .description('list the records in the results history')
  .option('--history <file>', 'results history', DEFAULT_HISTORY)
  .action(async (options: { history: string }) => {
    try {
      const { records, rejected } = await readHistory(options.history);
      for (const line of rejected) process.stderr.write(`warning: skipped ${line}\n`);
      for (const r of records) {
        if (isScenarioRecord(r)) {
          const held = (r.capacity ?? []).map((c) => `${c.label} ${c.largestHeld ?? 'none'}`).join(', ');
          const metric = r.settings.metrics.find((m) => m.name === r.settings.primaryMetric);
          const summary = held ? `largest ${r.settings.level.name} held: ${held}` : `${r.results.length} results (${metric?.label ?? r.settings.primaryMetric}: ${r.results.map((e) => formatMetric(metric?.format ?? 'number', e.median[r.settings.primaryMetric])).join(' ')})`;
          process.stdout.write(`${r.id}  ${r.profile}  ${r.date}  ${r.settings.runs}x${r.settings.durationSeconds}s  ${summary}\n`);
          continue;
        }
        const best = [...r.results].filter((e) => e.role !== 'ceiling').sort((a, b) => b.median.requestsPerSecond - a.median.requestsPerSecond)[0];
        const summary = best ? `best ${best.label} @${best.connections}: ${formatRate(best.median.requestsPerSecond)} req/s` : 'no results';
        process.stdout.write(`${r.id}  ${r.profile}  ${r.date}  ${r.settings.runs}x${r.settings.durationSeconds}s  ${summary}\n`);
      }
      if (records.length === 0) process.stdout.write(`no records in ${options.history}\n`);
    } catch (error) {
      fail(error);
    }
  });

registerValidateCommand(program, profiles);

await program.parseAsync(process.argv);
