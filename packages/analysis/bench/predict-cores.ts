/**
 * Predictions for more cores than this machine has: `node packages/analysis/bench/predict-cores.ts
 * --program <f.flux> --profile <stats.json> --implementation <module> --cpu-per-request-us <us>
 * [--cores 4,16,64] [--connections 1000] [--seed 1] [--min-path-share 0.001]`. Prints a markdown table: per runtime and core count, the
 * simulated throughput and p50 latency, for a machine to itself (no other load, the load generator elsewhere,
 * the default runtime constants: a 15 us wake-up, not the one measured on the busy development machine).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { classifyImplementation, loadProfile, loadProgram, predict } from '../src/simulate/run.ts';
import { RUNTIMES } from '../src/simulate/runtime-costs.ts';

const { values } = parseArgs({
  options: {
    program: { type: 'string' },
    profile: { type: 'string' },
    implementation: { type: 'string' },
    'cpu-per-request-us': { type: 'string' },
    cores: { type: 'string', default: '4,16,64' },
    connections: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'min-path-share': { type: 'string', default: '0.001' },
  },
});
if (!values.program || !values.profile || !values.implementation) throw new Error('--program, --profile and --implementation are required');
const ir = loadProgram(resolve(values.program));
const profile = loadProfile(resolve(values.profile));
const declared = await classifyImplementation(pathToFileURL(resolve(values.implementation)).href);
const cores = values.cores.split(',').map(Number);
const connections = Number(values.connections);
const rows: string[] = [`| runtime | ${cores.map((c) => `${c} cores: req/s, p50 ms`).join(' | ')} | limit at ${cores.at(-1)} cores |`, `| --- | ${cores.map(() => '---').join(' | ')} | --- |`];
for (const runtime of RUNTIMES) {
  const cells: string[] = [];
  let limit = '';
  for (const n of cores) {
    const p = predict({
      ir, profile, runtime, cores: n, connections: [connections], seed: Number(values.seed),
      cpuPerRequestUs: values['cpu-per-request-us'] === undefined ? undefined : Number(values['cpu-per-request-us']),
      minPathShare: Number(values['min-path-share']), tailCut: 4, asyncNodes: declared.async, syncNodes: declared.sync, measure: 20000,
    });
    const r = p.rows[0]!;
    cells.push(`${Math.round(r.throughput).toLocaleString('en-US')}, ${r.p50Ms.toPrecision(3)}`);
    const busiest = Object.entries(r.utilization).sort((a, b) => b[1] - a[1])[0];
    const lock = Object.entries(r.lockBusy).sort((a, b) => b[1] - a[1])[0];
    limit = `${busiest ? `${busiest[0]} ${(busiest[1] * 100).toFixed(0)}% busy` : ''}${lock && lock[1] > 0.5 ? `; lock ${lock[0]} held ${(lock[1] * 100).toFixed(0)}%` : ''}`;
  }
  rows.push(`| ${runtime} | ${cells.join(' | ')} | ${limit} |`);
}
process.stdout.write(`${rows.join('\n')}\n`);
