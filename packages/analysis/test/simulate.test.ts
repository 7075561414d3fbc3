import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { histogramOf } from '../src/simulate/distribution.ts';
import type { ProfileInput } from '../src/simulate/model.ts';
import { Prng } from '../src/simulate/prng.ts';
import { loadProgram, predict } from '../src/simulate/run.ts';
import type { RuntimeCosts } from '../src/simulate/runtime-costs.ts';
import { runSimulateCommand } from '../src/simulate/command.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** No network, wake-up or crossing costs: the closed forms assume none. */
const FREE: RuntimeCosts = { netUs: 0, wakeUs: 0, poolMainUs: 0, poolWorkerUs: 0, threadMainUs: 0, threadWorkerUs: 0, threadStartUs: 0, threadMaxWorkers: 4, uvThreads: 4 };

function exponentialSamples(mean: number, n: number, seed: number): number[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => rng.exponential(mean));
}

function profileOf(nodes: Record<string, number[]>, extra: Partial<ProfileInput> = {}): ProfileInput {
  const profile: NonNullable<ProfileInput['profile']> = { nodes: {} };
  const totals: NonNullable<ProfileInput['nodes']> = {};
  for (const [name, values] of Object.entries(nodes)) {
    const h = histogramOf(values);
    profile.nodes![name] = { cpuUs: h, wallUs: h };
    totals[name] = { calls: values.length, wallMs: h.sumUs / 1000, cpuMs: h.sumUs / 1000, timed: values.length };
  }
  return { version: 2, nodes: totals, edges: [], paths: [], profile, ...extra };
}

test('the same seed gives the same run; another seed another', () => {
  const ir = loadProgram(fixture('one-node.flux'));
  const profile = profileOf({ Work: exponentialSamples(100, 5000, 1) });
  const run = (seed: number) => predict({ ir, profile, runtime: 'event', cores: 1, connections: [1, 10], seed, measure: 5000 }).rows.map((r) => [r.throughput, r.p50Ms, r.p99Ms]);
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('M/M/1: an open Poisson stream into one exponential server gives R = 1 / (mu - lambda)', () => {
  const ir = loadProgram(fixture('one-node.flux'));
  const profile = profileOf({ Work: exponentialSamples(100, 200000, 2) });
  for (const lambda of [3000, 6000, 8000]) {
    const r = predict({ ir, profile, runtime: 'event', cores: 1, connections: [1], openRate: lambda, measure: 200000, costs: FREE, seed: 3 }).rows[0]!;
    const expected = 1 / (10000 - lambda) * 1000; // ms
    assert.ok(Math.abs(r.meanMs / expected - 1) < 0.05, `lambda ${lambda}: mean ${r.meanMs} ms, M/M/1 ${expected} ms`);
    assert.ok(Math.abs(r.throughput / lambda - 1) < 0.03, `lambda ${lambda}: throughput ${r.throughput}`);
  }
});

test('M/D/1: a deterministic server gives the Pollaczek-Khinchine mean', () => {
  const ir = loadProgram(fixture('one-node.flux'));
  const profile = profileOf({ Work: [100, 100, 100] });
  for (const lambda of [5000, 8000]) {
    const r = predict({ ir, profile, runtime: 'event', cores: 1, connections: [1], openRate: lambda, measure: 200000, costs: FREE, seed: 4 }).rows[0]!;
    const rho = lambda / 10000;
    const expected = (rho / (2 * 10000 * (1 - rho)) + 1 / 10000) * 1000;
    assert.ok(Math.abs(r.meanMs / expected - 1) < 0.04, `lambda ${lambda}: mean ${r.meanMs} ms, M/D/1 ${expected} ms`);
  }
});

test('a lock-bound program saturates at 1 / hold, whatever the cores', () => {
  const ir = loadProgram(fixture('locked.flux'));
  const profile = profileOf({ Prepare: exponentialSamples(50, 20000, 5), Commit: [100, 100] });
  for (const runtime of ['threadpool', 'workers'] as const) {
    const r = predict({ ir, profile, runtime, cores: 8, threads: 8, connections: [200], costs: FREE, seed: 6, measure: 30000 }).rows[0]!;
    assert.ok(Math.abs(r.throughput / 10000 - 1) < 0.03, `${runtime}: ${r.throughput} req/s, 1/hold = 10000`);
    assert.ok((r.lockBusy.state ?? 0) > 0.97, `${runtime}: lock busy ${r.lockBusy.state}`);
  }
  // Without the lock's limit, 8 cores would serve 8 / 150 us: the lock, not the cores, is what binds.
  const event = predict({ ir, profile, runtime: 'event', cores: 8, connections: [200], costs: FREE, seed: 6, measure: 30000 }).rows[0]!;
  assert.ok(event.throughput < 1e6 / 150 * 1.03, 'event: one thread, both nodes serial');
});

test('branch probabilities from edge counts are respected', () => {
  const ir = loadProgram(fixture('branches.flux'));
  const edges = [
    { from: 'Src', to: 'Page', count: 400 },
    { from: 'Page', to: 'Check', count: 400 },
    { from: 'Check', to: 'Route', count: 400 },
    { from: 'Route', to: 'Fast', count: 300 },
    { from: 'Route', to: 'Slow', count: 100 },
    { from: 'Fast', to: '(end)', count: 300 },
    { from: 'Slow', to: '(end)', count: 100 },
  ];
  const profile = profileOf({ Check: [1, 1], Fast: [10, 10], Slow: [90, 90] }, { edges });
  const p = predict({ ir, profile, runtime: 'event', cores: 1, connections: [1], costs: FREE, seed: 8, measure: 40000 });
  assert.equal(p.model.flows.basis, 'edges');
  const fast = p.model.flows.paths.get('Src')!.find((x) => x.labels.includes('Fast'))!;
  assert.ok(Math.abs(fast.probability - 0.75) < 1e-9);
  // One connection, no queueing: mean time 1 + 0.75 * 10 + 0.25 * 90 = 31 us.
  const r = p.rows[0]!;
  assert.ok(Math.abs(r.meanMs * 1000 / 31 - 1) < 0.03, `mean ${r.meanMs * 1000} us`);
  assert.equal(r.p50Ms * 1000, 11);
});

test('path counts take precedence over edges, error paths included', () => {
  const ir = loadProgram(fixture('branches.flux'));
  const paths = [
    { source: 'Src', nodes: ['Page', 'Check', 'Route:[small]', 'Fast'], ending: { status: 'ok' as const }, count: 10 },
    { source: 'Src', nodes: ['Page', 'Check', 'Route:default', 'Slow'], ending: { status: 'ok' as const }, count: 30 },
    { source: 'Src', nodes: ['Page', 'Check'], ending: { status: 'error' as const, node: 'Check' }, count: 60 },
  ];
  const p = predict({ ir, profile: profileOf({ Check: [1, 1], Fast: [10, 10], Slow: [90, 90] }, { paths }), runtime: 'event', cores: 1, connections: [1], costs: FREE, measure: 1000 });
  assert.equal(p.model.flows.basis, 'paths');
  const probs = Object.fromEntries(p.model.flows.paths.get('Src')!.map((x) => [`${x.labels.join(' ')} ${x.ending.status}`, x.probability]));
  assert.deepEqual(probs, { 'Page Check Route:[small] Fast ok': 0.1, 'Page Check Route:default Slow ok': 0.3, 'Page Check error': 0.6 });
});

test('--speedup divides the node CPU time in the model', () => {
  const ir = loadProgram(fixture('one-node.flux'));
  const profile = profileOf({ Work: [200, 200] });
  const base = predict({ ir, profile, runtime: 'event', cores: 1, connections: [4], costs: FREE, measure: 5000 }).rows[0]!;
  const fast = predict({ ir, profile, runtime: 'event', cores: 1, connections: [4], costs: FREE, measure: 5000, speedups: new Map([['Work', 2]]) }).rows[0]!;
  assert.ok(Math.abs(fast.throughput / base.throughput - 2) < 0.01, `${fast.throughput} vs ${base.throughput}`);
  assert.throws(() => predict({ ir, profile, runtime: 'event', cores: 1, connections: [1], speedups: new Map([['Nope', 2]]) }), /no concrete node Nope/);
});

test('threads compete for cores: a CPU-bound pool on 1 core serves what 1 core can', () => {
  const ir = loadProgram(fixture('one-node.flux'));
  const profile = profileOf({ Work: [500, 500] });
  const one = predict({ ir, profile, runtime: 'threadpool', cores: 1, threads: 2, connections: [20], costs: FREE, measure: 5000 }).rows[0]!;
  const two = predict({ ir, profile, runtime: 'threadpool', cores: 2, threads: 2, connections: [20], costs: FREE, measure: 5000 }).rows[0]!;
  assert.ok(Math.abs(one.throughput / 2000 - 1) < 0.02, `1 core: ${one.throughput}`);
  assert.ok(Math.abs(two.throughput / 4000 - 1) < 0.02, `2 cores: ${two.throughput}`);
});

test('flux simulate --json prints exactly the rows; bad input is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flux-simulate-'));
  try {
    const profileFile = join(dir, 'stats.json');
    writeFileSync(profileFile, JSON.stringify(profileOf({ Work: exponentialSamples(100, 2000, 9) })));
    let out = '';
    let err = '';
    const io = { cwd: dir, stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    const chart = join(dir, 'chart.svg');
    const code = await runSimulateCommand([fixture('one-node.flux'), '--profile', profileFile, '--runtime', 'workers', '--cores', '2', '--connections', '1,10', '--json', '--requests', '2000', '--chart', chart], io);
    assert.equal(code, 0, err);
    const rows = JSON.parse(out) as { connections: number; throughput: number; p50Ms: number; p99Ms: number }[];
    assert.deepEqual(rows.map((r) => Object.keys(r)), [['connections', 'throughput', 'p50Ms', 'p99Ms'], ['connections', 'throughput', 'p50Ms', 'p99Ms']]);
    assert.deepEqual(rows.map((r) => r.connections), [1, 10]);
    assert.ok(rows[1]!.throughput > rows[0]!.throughput);
    assert.match(readFileSync(chart, 'utf8'), /^<svg[\s\S]*<\/svg>\n$/);
    err = '';
    assert.equal(await runSimulateCommand([fixture('one-node.flux'), '--profile', profileFile, '--runtime', 'fibers'], io), 1);
    assert.match(err, /--runtime fibers/);
    err = '';
    assert.equal(await runSimulateCommand([fixture('one-node.flux'), '--profile', join(dir, 'missing.json')], io), 1);
    assert.match(err, /cannot read the profile/);
    err = '';
    assert.equal(await runSimulateCommand([fixture('one-node.flux'), '--profile', profileFile, '--speedup', 'Work=0'], io), 1);
    assert.match(err, /--speedup Work=0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
