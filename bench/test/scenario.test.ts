import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { liveChildCount } from '../src/process/children.ts';
import type { TargetDefinition } from '../src/profile.ts';
import type { ScenarioProfile } from '../src/scenario.ts';
import { runScenario } from '../src/runner/run-scenario.ts';
import { renderScenarioTable } from '../src/report/scenario-table.ts';
import { renderScenarioChartSvg } from '../src/report/scenario-chart.ts';
import { appendRecord, readHistory } from '../src/results/history.ts';
import { compareRecords } from '../src/results/compare.ts';
import { renderComparison } from '../src/report/comparison-table.ts';
import { capacityOf, isScenarioRecord, type ScenarioRecord } from '../src/results/scenario-record.ts';
import { REPO_DIR } from '../src/paths.ts';

const FAKE_TARGET = fileURLToPath(new URL('./fixtures/fake-target.ts', import.meta.url));

function fakeTarget(id: string, role: 'flux' | 'baseline', runtime?: string): TargetDefinition {
  return {
    id,
    role,
    ...(runtime ? { runtime } : {}),
    label: runtime ? `flux (${runtime})` : id,
    launch: async () => ({ label: id, command: process.execPath, args: [FAKE_TARGET, 'announce'], readiness: { kind: 'announce' } }),
  };
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A trivial scenario: each run sends `level` requests to the target one after another and reports how many it
 * made and their mean latency; the "flux" target is made to look slower by a fixed per-request cost in the run.
 */
function trivialProfile(calls: { level: number; target: string; pid: number; warmup: boolean }[]): ScenarioProfile {
  return {
    kind: 'scenario',
    name: 'trivial',
    summary: 'requests one after another',
    runtimes: ['event'],
    referenceBaseline: 'plain',
    level: { name: 'requests', description: 'requests a run', defaults: [2] },
    metrics: [
      { name: 'requests', label: 'requests', format: 'rate', better: 'higher' },
      { name: 'meanMs', label: 'mean ms', format: 'ms', better: 'lower' },
      { name: 'fast', label: 'fast', format: 'flag', better: 'higher' },
    ],
    primaryMetric: 'meanMs',
    capacity: { description: 'mean under 1 s', holds: (m) => m.meanMs < 1000 && m.fast >= 0.5 },
    options: [],
    fluxAvailable: () => ({ available: true }),
    async prepare() {
      return {
        settings: { kind: 'trivial' },
        driver: 'node:http, one request at a time',
        fluxTarget: (runtime) => fakeTarget(`flux/${runtime}`, 'flux', runtime),
        baselines: () => [{ available: true, target: fakeTarget('plain', 'baseline') }, { available: false, id: 'absent', reason: 'not here' }],
        overheadSeconds: () => 1,
        async run(context) {
          calls.push({ level: context.level, target: context.target.id, pid: context.pid, warmup: context.warmup });
          let total = 0;
          for (let i = 0; i < context.level; i++) total += await get(context.url);
          const slow = context.target.role === 'flux' && context.level > 2;
          const meanMs = total / context.level + (slow ? 2000 : 0);
          return { metrics: { requests: context.level, meanMs, fast: slow ? 0 : 1 }, notes: context.warmup ? [] : ['ran'] };
        },
      };
    },
  };
}

test('a scenario profile runs each target, level and run itself; the harness keeps medians, capacity, record, table, chart, history and compare', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-scenario-'));
  try {
    const calls: { level: number; target: string; pid: number; warmup: boolean }[] = [];
    const profile = trivialProfile(calls);
    const record = await runScenario({
      profile, runtimes: ['event'], levels: [2, 3], durationSeconds: 0.1, warmupSeconds: 0.1, runs: 3, seed: 1,
      profileOptions: {}, repoDir: REPO_DIR, progress: false,
    });
    assert.equal(liveChildCount(), 0, 'every target stopped');
    assert.equal(record.kind, 'scenario');
    assert.ok(isScenarioRecord(record));
    assert.deepEqual(record.settings.level, { name: 'requests', values: [2, 3] });
    assert.deepEqual(record.settings.chartMetrics, ['meanMs', 'fast']);
    // 2 targets x 2 levels x (1 warm-up + 3 runs), interleaved: the rounds rotate which target goes first.
    assert.equal(calls.length, 16);
    assert.equal(calls.filter((c) => c.warmup).length, 4);
    const firstOfRounds = calls.filter((c) => !c.warmup && c.level === 2).filter((_, i) => i % 2 === 0).map((c) => c.target);
    assert.deepEqual(firstOfRounds, ['flux/event', 'plain', 'flux/event']);
    assert.ok(calls.every((c) => c.pid > 0));
    assert.deepEqual(record.targets.map((t) => [t.id, t.skipped ?? t.error ?? 'ok']), [['absent', 'not here'], ['flux/event', 'ok'], ['plain', 'ok']]);

    const entry = (target: string, level: number) => record.results.find((r) => r.target === target && r.level === level)!;
    assert.equal(entry('plain', 3).runs.length, 3, 'warm-ups are not kept');
    assert.equal(entry('plain', 3).median.requests, 3);
    assert.equal(entry('plain', 2).holds, true);
    assert.equal(entry('flux/event', 2).holds, true);
    assert.equal(entry('flux/event', 3).holds, false);
    assert.ok(entry('flux/event', 3).ratioToBaseline! > 1, 'the primary metric over the reference baseline');
    assert.deepEqual(record.capacity!.map((c) => [c.target, c.largestHeld, c.ratioToBaseline]), [['flux/event', 2, 2 / 3], ['plain', 3, 1]]);
    assert.ok(record.notes.some((n) => n.includes('flux (event) at 3 requests: ran')));

    const table = renderScenarioTable(record);
    assert.match(table, /requests.*target.*mean ms.*fast/);
    assert.match(table, /largest requests held \(mean under 1 s; every smaller count held too\):\n {2}flux \(event\): 2 \(0\.67x plain\)\n {2}plain: 3/);
    assert.match(table, /skipped absent: not here/);
    assert.equal(XMLValidator.validate(await renderScenarioChartSvg(record)), true);

    // History round trip, then compare: lower is better for the primary metric, so the slower flux is a regression.
    const history = join(dir, 'history.jsonl');
    await appendRecord(history, record);
    const slower: ScenarioRecord = {
      ...record,
      id: `${record.id}-b`,
      results: record.results.map((r) => (r.target === 'plain' && r.level === 3
        ? { ...r, runs: r.runs.map((run, i) => ({ ...run, metrics: { ...run.metrics, meanMs: 5000 + 10 * i } })) }
        : r)),
    };
    await appendRecord(history, slower);
    const { records, rejected } = await readHistory(history);
    assert.deepEqual(rejected, []);
    assert.equal(records.length, 2);
    const comparison = compareRecords(records[0], records[1]);
    assert.equal(comparison.levelName, 'requests');
    const row = comparison.rows.find((r) => r.target === 'plain' && r.connections === 3)!;
    assert.equal(row.unit, 'mean ms');
    assert.equal(row.verdict, 'regression');
    assert.equal(comparison.regressions, 1);
    assert.match(renderComparison(comparison), /requests.*baseline mean ms/);
    const better = compareRecords(records[1], records[0]);
    assert.equal(better.improvements, 1);
    assert.equal(better.regressions, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('capacity counts a level only when every smaller one was held', () => {
  const entry = (level: number, holds: boolean) => ({ target: 't', role: 'baseline' as const, label: 't', level, runs: [], median: {}, spread: {}, holds });
  const targets = [{ id: 't', role: 'baseline' as const, label: 't' }];
  assert.deepEqual(capacityOf([entry(100, true), entry(500, false), entry(1000, true)], targets, undefined), [{ target: 't', label: 't', largestHeld: 100 }]);
  assert.deepEqual(capacityOf([entry(100, false)], targets, undefined), [{ target: 't', label: 't', largestHeld: null }]);
});

test('a scenario run that reports no value for a metric fails that target, not the invocation', async () => {
  const profile: ScenarioProfile = {
    ...trivialProfile([]),
    async prepare(context) {
      const prepared = await trivialProfile([]).prepare(context);
      return { ...prepared, run: async () => ({ metrics: { requests: 1 } }) };
    },
  };
  const record = await runScenario({
    profile, runtimes: [], levels: [1], durationSeconds: 0.1, warmupSeconds: 0, runs: 1, seed: 1, profileOptions: {}, repoDir: REPO_DIR, progress: false,
  });
  assert.match(record.targets.find((t) => t.id === 'plain')!.error!, /reported no meanMs, fast/);
  assert.deepEqual(record.results, []);
  assert.equal(liveChildCount(), 0);
});
