/**
 * Benchmark (not a test): how long `check` takes on the BitTorrent peer, the largest example program.
 * Reports the median and 90th percentile of many runs, after a warm-up, for parsing plus checking and
 * for checking alone (names, types, patterns, cycles, lock elevation).
 *
 *   node packages/compiler/bench/check.bench.ts [runs]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { check } from '../src/check/index.ts';
import { parse } from '../src/language/parser.ts';
import { createSource } from '../src/language/source.ts';

const file = new URL('../test/programs/bittorrent.flux', import.meta.url);
const text = readFileSync(file, 'utf8');
const runs = Number(process.argv[2] ?? 2000);
const warmup = Math.min(500, runs);

function time(label: string, body: () => void): void {
  for (let i = 0; i < warmup; i++) body();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    body();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`${label.padEnd(16)} median ${(at(0.5) * 1000).toFixed(0)} us   p90 ${(at(0.9) * 1000).toFixed(0)} us   (${runs} runs)`);
}

const source = createSource(text, 'bittorrent.flux');
const { document, diagnostics } = parse(source);
if (diagnostics.length > 0) throw new Error('the benchmark program has syntax errors');
console.log(`bittorrent.flux: ${text.split('\n').length - 1} lines, ${document.declarations.length} declarations (Node ${process.version})`);
time('parse + check', () => check(parse(source).document, source));
time('check', () => check(document, source));
