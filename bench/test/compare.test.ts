import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommand } from '../src/commands/compare-command.ts';
import { renderComparison, renderComparisonMarkdown } from '../src/report/comparison-table.ts';
import { compareRecords } from '../src/results/compare.ts';
import { appendRecord } from '../src/results/history.ts';
import { noisy, syntheticRecord } from './fixtures/records.ts';

const RUNS = 5;
const defaults = { alpha: 0.05, minChange: 0.02, test: 'welch' as const };

function web(id: string, fluxCenter: number, seed: number, spread = 0.03) {
  return syntheticRecord(id, [
    { target: 'flux/threadpool', role: 'flux', runtime: 'threadpool', label: 'flux (threadpool)', runs: { 100: noisy(fluxCenter, spread, RUNS, seed) } },
    { target: 'node-http', role: 'baseline', label: 'node:http', runs: { 100: noisy(10_000, spread, RUNS, seed + 1) } },
    { target: 'ceiling', role: 'ceiling', label: 'ceiling', runs: { 100: noisy(30_000, spread, RUNS, seed + 2) } },
  ]);
}

test('a 15% drop with 3% run-to-run noise is flagged as a regression', () => {
  const comparison = compareRecords(web('base', 20_000, 10), web('cur', 17_000, 20));
  const flux = comparison.rows.find((r) => r.target === 'flux/threadpool')!;
  assert.equal(flux.verdict, 'regression');
  assert.ok(flux.test!.p < 0.05);
  assert.ok(flux.change! < -0.1);
  assert.equal(comparison.regressions, 1);
  assert.equal(comparison.rows.find((r) => r.target === 'node-http')!.verdict, 'no significant change');
});

test('noise alone is not flagged, however the medians move', () => {
  // The same distributions, fresh draws: medians differ by a few percent, the test sees no evidence.
  for (let seed = 100; seed < 110; seed++) {
    const comparison = compareRecords(web('base', 20_000, seed, 0.05), web('cur', 20_000, seed + 1000, 0.05), { alpha: 0.01, minChange: 0.02, test: 'welch' });
    assert.equal(comparison.regressions + comparison.improvements, 0, `seed ${seed}`);
  }
});

test('a significant but tiny change stays below the minimum change', () => {
  const base = web('base', 20_000, 1, 0.0001);
  const current = web('cur', 20_100, 2, 0.0001);
  const flux = compareRecords(base, current).rows.find((r) => r.target === 'flux/threadpool')!;
  assert.ok(flux.test!.p < 0.05);
  assert.equal(flux.verdict, 'no significant change');
});

test('the Mann-Whitney U test works as the alternative', () => {
  const comparison = compareRecords(web('base', 20_000, 10), web('cur', 14_000, 20), { alpha: 0.05, minChange: 0.02, test: 'mann-whitney' });
  assert.equal(comparison.rows.find((r) => r.target === 'flux/threadpool')!.verdict, 'regression');
});

test('the ceiling is shown but never judged; single runs are not enough', () => {
  const base = web('base', 20_000, 10);
  const slowMachine = syntheticRecord('cur', [
    { target: 'ceiling', role: 'ceiling', label: 'ceiling', runs: { 100: noisy(15_000, 0.01, RUNS, 3) } },
    { target: 'flux/threadpool', role: 'flux', label: 'flux (threadpool)', runs: { 100: [19_000] } },
  ]);
  const comparison = compareRecords(base, slowMachine);
  assert.equal(comparison.rows.find((r) => r.target === 'ceiling')!.verdict, 'no significant change');
  assert.equal(comparison.rows.find((r) => r.target === 'flux/threadpool')!.verdict, 'not enough runs');
  assert.equal(comparison.rows.find((r) => r.target === 'node-http')!.verdict, 'only in baseline');
  const text = renderComparison(comparison);
  assert.match(text, /ceiling, not judged/);
  assert.match(renderComparisonMarkdown(comparison), /^\| conns \| target \|/m);
});

test('compare --fail-on-regression exits non-zero on a regression, zero on noise', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-compare-'));
  const printed: string[] = [];
  const write = (text: string) => void printed.push(text);
  try {
    const history = join(dir, 'history.jsonl');
    await appendRecord(history, web('20260101T000000Z-aaaaaaa-0001', 20_000, 10));
    await appendRecord(history, web('20260102T000000Z-aaaaaaa-0002', 20_000, 11));
    await appendRecord(history, web('20260103T000000Z-aaaaaaa-0003', 16_000, 12));
    const options = { history, alpha: '0.05', minChange: '0.02', test: 'welch', failOnRegression: true, write };

    const latest = await compareCommand(options);
    assert.equal(latest.comparison.baselineId, '20260102T000000Z-aaaaaaa-0002', 'defaults to the previous record');
    assert.equal(latest.exitCode, 1);

    const noise = await compareCommand({ ...options, baseline: '20260101', current: '20260102' });
    assert.equal(noise.exitCode, 0);

    const withoutFlag = await compareCommand({ ...options, failOnRegression: false });
    assert.equal(withoutFlag.exitCode, 0);
    assert.ok(printed.join('').includes('regression'));

    await assert.rejects(compareCommand({ ...options, baseline: 'missing' }), /no record "missing"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('compare defaults to the latest earlier record of the same workload', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-compare-'));
  try {
    const history = join(dir, 'history.jsonl');
    const withWorkload = (record: ReturnType<typeof web>, digest: string) =>
      ({ ...record, settings: { ...record.settings, workload: { fileSet: { digest } } } });
    await appendRecord(history, withWorkload(web('20260101T000000Z-aaaaaaa-0001', 20_000, 10), 'abc'));
    await appendRecord(history, withWorkload(web('20260102T000000Z-aaaaaaa-0002', 9_000, 11), 'other'));
    await appendRecord(history, withWorkload(web('20260103T000000Z-aaaaaaa-0003', 20_000, 12), 'abc'));
    const options = { history, alpha: '0.05', minChange: '0.02', test: 'welch', write: () => {} };
    const result = await compareCommand(options);
    assert.equal(result.comparison.baselineId, '20260101T000000Z-aaaaaaa-0001', 'skips the run of another workload');
    assert.equal(result.comparison.regressions + result.comparison.improvements, 0);
    const only = await compareCommand({ ...options, current: '20260102' });
    assert.equal(only.comparison.baselineId, '20260101T000000Z-aaaaaaa-0001', 'falls back to the same profile');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--relative cancels a machine that got slower as a whole, and still catches a real regression', () => {
  const round = (flux: number[], node: number[], id: string) =>
    syntheticRecord(id, [
      { target: 'flux/threadpool', role: 'flux', label: 'flux (threadpool)', runs: { 100: flux } },
      { target: 'node-http', role: 'baseline', label: 'node:http', runs: { 100: node } },
    ]);
  // Per-round drift shared by both targets (they ran moments apart), and a machine 20% slower overall.
  const drift = noisy(1, 0.08, RUNS, 5);
  const base = round(drift.map((d) => 20_000 * d), drift.map((d) => 10_000 * d), 'base');
  const slowerDrift = noisy(0.8, 0.08, RUNS, 6);
  const slowerMachine = round(slowerDrift.map((d) => 20_000 * d), slowerDrift.map((d) => 10_000 * d), 'cur');

  assert.equal(compareRecords(base, slowerMachine).rows.find((r) => r.target === 'flux/threadpool')!.verdict, 'regression');
  const relative = compareRecords(base, slowerMachine, { ...defaults, relative: true });
  assert.equal(relative.relativeTo, 'node-http');
  const flux = relative.rows.find((r) => r.target === 'flux/threadpool')!;
  assert.equal(flux.unit, 'ratio');
  assert.ok(Math.abs(flux.currentMedian! - 2) < 1e-9);
  assert.equal(flux.verdict, 'no significant change');
  assert.equal(relative.rows.find((r) => r.target === 'node-http')!.verdict, 'reference');
  assert.match(renderComparison(relative), /vs node-http/);

  const fluxSlower = round(drift.map((d, i) => 17_000 * d * (1 + 0.01 * i)), drift.map((d) => 10_000 * d), 'cur2');
  assert.equal(compareRecords(base, fluxSlower, { ...defaults, relative: true }).rows.find((r) => r.target === 'flux/threadpool')!.verdict, 'regression');
});
