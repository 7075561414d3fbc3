/**
 * `bench validate`: the comparison (errors, peaks, which predictor came closest, USL-fitted cells left out),
 * the table, the environment probes, refused options, and one short run end to end on the cpu server with wrk
 * (skipped without wrk or taskset).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compareCells, relativeError, renderValidation, type Cell } from '../src/commands/validate-compare.ts';
import { probeCoreShare, processCpuSeconds } from '../src/commands/validate-command.ts';
import { findWrk } from '../src/load/wrk-client.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

const cell = (connections: number, measured: number, sim: number, bounds: number, usl: number | null): Cell => ({
  runtime: 'event',
  cores: 1,
  connections,
  background: 0.9,
  measured: { throughput: measured, p50Ms: 1 },
  simulator: { throughput: sim, p50Ms: 1.1 },
  bounds: { throughput: bounds, p50Ms: 2 },
  usl: usl === null ? null : { throughput: usl, p50Ms: 1 },
  uslFitted: connections === 1 || connections === 10,
});

test('errors are predicted / measured - 1; cells without a measurement or with a fitted USL do not count', () => {
  assert.equal(relativeError(110, 100), 0.10000000000000009);
  assert.ok(Number.isNaN(relativeError(1, 0)));
  const cells = [cell(1, 100, 150, 300, 100), cell(10, 500, 520, 900, 500), cell(100, 800, 790, 1000, 700), cell(1000, 820, 700, 1000, 810)];
  const s = compareCells(cells);
  assert.equal(s.comparable, 2);
  assert.deepEqual(s.closest, { simulator: 1, bounds: 0, usl: 1 });
  assert.equal(s.throughputWithin10, 2); // 10 and 100 connections
  assert.equal(s.p50Within20, 4);
  assert.equal(s.peaks[0]!.measured, 820);
  assert.equal(s.peaks[0]!.simulator, 790);
  const table = renderValidation(cells, s);
  assert.match(table, /event\s+1\s+1000\s+0\.90\s+820\s+700 -15%\s+1000 \+22%\s+810 -1%/);
  assert.match(table, /500 \(fit\)/);
  assert.match(table, /closest on throughput, in the 2 cells where all three predict/);
});

test('process CPU comes from /proc and grows with work; the core-share probe reads a fraction', { skip: !hasTaskset && 'taskset is not installed' }, async () => {
  const before = processCpuSeconds(process.pid);
  const until = performance.now() + 150;
  while (performance.now() < until);
  assert.ok(processCpuSeconds(process.pid) > before);
  const share = await probeCoreShare([0]);
  assert.ok(share > 0 && share <= 1, String(share));
});

test('validate refuses what it cannot do, with a usage error', async () => {
  const run = (args: string[]) => promisify(execFile)(process.execPath, [CLI, 'validate', ...args], { timeout: 30_000 }).then(() => 0, (e: { code: number; stderr: string }) => e);
  const bad = (await run(['web', '--cores', '4'])) as { code: number; stderr: string };
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--cores: 1 or 2/);
  const unknown = (await run(['nope'])) as { code: number; stderr: string };
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no HTTP profile nope/);
});

test('a short validation of the cpu server: profile, predictions, measurements, record', { skip: (!findWrk() && 'wrk is not installed') || (!hasTaskset && 'taskset is not installed'), timeout: 90_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'flux-validate-test-'));
  try {
    const history = join(out, 'validation.jsonl');
    const { stdout } = await promisify(execFile)(process.execPath, [
      CLI, 'validate', 'cpu', '--runtime', 'event', '--cores', '1', '--connections', '1,10', '--duration', '1', '--runs', '1',
      '--warmup', '0', '--profile-seconds', '1', '--rounds', '500', '--out', out, '--history', history,
    ], { timeout: 80_000 });
    assert.match(stdout, /event\s+1\s+1\s+[\d.]+\s+\d+\s+\d+ [+-]\d+%/);
    const [dir] = (await readdir(out)).filter((d) => d.endsWith('-validate-cpu'));
    const record = JSON.parse(await readFile(join(out, dir!, 'results.json'), 'utf8')) as { kind: string; cells: Cell[]; calibration: { serverCpuUs: number } };
    assert.equal(record.kind, 'validation');
    assert.equal(record.cells.length, 2);
    assert.ok(record.cells.every((c) => c.measured !== null && c.measured.throughput > 0 && c.simulator.throughput > 0));
    assert.ok(record.calibration.serverCpuUs > 0);
    assert.match(await readFile(join(out, dir!, 'chart.svg'), 'utf8'), /<svg[\s\S]*<\/svg>/);
    assert.equal((await readFile(history, 'utf8')).trim().split('\n').length, 1);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
