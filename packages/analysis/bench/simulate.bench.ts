/**
 * Simulated events per second: `node packages/analysis/bench/simulate.bench.ts [--runs 5]`. A web-like
 * program (the fixture with a lock and a branch) under each runtime at 100 connections, 200,000 requests each;
 * prints the median events/s over the runs per runtime. Target: at least 1 million.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { histogramOf } from '../src/simulate/distribution.ts';
import { Prng } from '../src/simulate/prng.ts';
import { loadProgram, predict } from '../src/simulate/run.ts';
import { RUNTIMES } from '../src/simulate/runtime-costs.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, requests: { type: 'string', default: '200000' } } });
const ir = loadProgram(fileURLToPath(new URL('../test/fixtures/locked.flux', import.meta.url)));
const rng = new Prng(1);
const samples = (mean: number) => Array.from({ length: 20000 }, () => rng.exponential(mean));
const h1 = histogramOf(samples(3));
const h2 = histogramOf(samples(2));
const profile = { nodes: {}, profile: { nodes: { Prepare: { cpuUs: h1, wallUs: h1 }, Commit: { cpuUs: h2, wallUs: h2 } } } };

for (const runtime of RUNTIMES) {
  const rates: number[] = [];
  let events = 0;
  for (let i = 0; i < Number(values.runs); i++) {
    const p = predict({ ir, profile, runtime, cores: 2, connections: [100], ioUs: 15, measure: Number(values.requests), seed: i + 1 });
    rates.push((p.events / p.wallMs) * 1000);
    events = p.events;
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  process.stdout.write(`${runtime.padEnd(11)} ${(median / 1e6).toFixed(2)} M events/s (median of ${rates.length}; ${events} events a run)\n`);
}
