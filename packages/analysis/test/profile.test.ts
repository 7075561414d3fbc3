import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { LogHistogram, type HistogramJson } from '@flux/runtime/stats/histogram.ts';
import { emptyProfile, type StatsSnapshot } from '@flux/runtime/stats/snapshot.ts';
import { analyze, rankPaths } from '../src/profile/analyze.ts';
import { runProfileCommand } from '../src/profile/command.ts';
import { readSnapshotFile, validateSnapshot } from '../src/profile/read-snapshot.ts';
import { RUNTIME, verdictOf } from '../src/profile/verdict.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./profile-fixture/web-event.stats.json', import.meta.url));
const webProgram = join(repo, 'servers/web/web.flux');
const tmp = mkdtempSync(join(tmpdir(), 'flux-profile-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function hist(values: number[]): HistogramJson {
  const h = new LogHistogram();
  for (const v of values) h.record(v);
  return h.toJSON();
}

/** A snapshot of a made-up program: `cpu` µs per call of each node, `holds` µs per acquisition of each lock. */
function snapshot(options: {
  runtime?: string;
  cores?: number;
  threads?: number;
  flows: number;
  processCpuUs?: number;
  mainThreadCpuUs?: number;
  nodes: Record<string, { calls: number; cpuUs: number; wallUs?: number }>;
  locks?: Record<string, { mode: 'exclusive' | 'shared' | 'mixed'; acquisitions: number; holdUs: number; waitUs?: number; exclusive?: number }>;
  paths?: { nodes: string[]; count: number; meanMs: number }[];
}): StatsSnapshot {
  const profile = emptyProfile(1);
  profile.cores = options.cores ?? 2;
  profile.threads = options.threads ?? 1;
  profile.durationMs = 1000;
  profile.startedAt = 1;
  profile.processCpuUs = options.processCpuUs ?? 0;
  profile.mainThreadCpuUs = options.mainThreadCpuUs ?? 0;
  const nodes: StatsSnapshot['nodes'] = {};
  for (const [name, n] of Object.entries(options.nodes)) {
    const wall = n.wallUs ?? n.cpuUs;
    nodes[name] = { calls: n.calls, errors: 0, cpuMs: (n.calls * n.cpuUs) / 1000, wallMs: (n.calls * wall) / 1000, timed: n.calls };
    profile.nodes[name] = { cpuUs: hist(Array(20).fill(n.cpuUs)), wallUs: hist(Array(20).fill(wall)) };
  }
  for (const [name, l] of Object.entries(options.locks ?? {})) {
    const holds = hist(Array(20).fill(l.holdUs));
    profile.locks[name] = {
      mode: l.mode,
      acquisitions: l.acquisitions,
      contended: 0,
      waitUs: hist(Array(20).fill(l.waitUs ?? 0)),
      holdUs: holds,
      exclusiveAcquisitions: l.mode === 'exclusive' ? l.acquisitions : l.mode === 'mixed' ? (l.exclusive ?? 0) : 0,
      exclusiveHoldUs: l.mode === 'shared' ? hist([]) : holds,
    };
  }
  return {
    version: 2,
    program: 'made-up',
    runtime: options.runtime ?? 'event',
    flows: { started: options.flows, ok: options.flows, error: 0, overload: 0, inFlight: 0 },
    nodes,
    edges: [],
    paths: (options.paths ?? []).map((p, i) => ({ source: 'S', number: i, nodes: p.nodes, ending: { status: 'ok' as const }, count: p.count, totalMs: p.count * p.meanMs, meanMs: p.meanMs })),
    figures: {},
    profile,
  };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProfileCommand(args, { cwd: repo, stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('flux profile on a real run of the web server', () => {
  it('reads the fixture, finds the hit path hot, and says what limits throughput', () => {
    const s = readSnapshotFile(fixture);
    assert.equal(s.program, 'web');
    const a = analyze(s);
    assert.ok(a.completed > 0);
    assert.ok(a.hotPaths.length >= 2);
    const hit = a.hotPaths.find((p) => p.nodes.includes('SendCached'));
    assert.ok(hit !== undefined, 'the cache-hit path was taken');
    assert.ok(a.hotPaths.every((p, i) => i === 0 || a.hotPaths[i - 1]!.totalMs >= p.totalMs), 'ranked by frequency x time');
    for (const name of ['ReadRequest', 'Lookup', 'SendCached']) assert.ok(a.nodes.some((n) => n.name === name), `node ${name}`);
    const v = verdictOf(a);
    assert.equal(v.binding?.kind, 'cpu', 'the web server takes no lock under event: CPU binds');
    assert.equal(v.binding?.parallelism, 1);
    assert.ok(v.binding!.flowsPerSecond > 0 && Number.isFinite(v.binding!.flowsPerSecond));
    assert.ok(v.dominant !== null);
  });

  it('prints the verdict first, then the tables, and draws the heat picture', async () => {
    const svg = join(tmp, 'web.svg');
    const r = await run([fixture, '--program', webProgram, '--svg', svg]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.indexOf('Verdict') < r.out.indexOf('Hot paths'));
    assert.ok(r.out.indexOf('Hot paths') < r.out.indexOf('Nodes'));
    assert.match(r.out, /limits throughput: at most [\d,]+ flows\/s/);
    const picture = readFileSync(svg, 'utf8');
    assert.match(picture, /^<svg /);
    assert.match(picture, /SendCached/);
    assert.match(picture, /% CPU/);
  });

  it('reads the workers run: the cache lock taken both ways, its exclusive holds kept apart', () => {
    const s = readSnapshotFile(fileURLToPath(new URL('./profile-fixture/web-workers.stats.json', import.meta.url)));
    assert.equal(s.runtime, 'workers');
    const a = analyze(s);
    const cache = a.locks.find((l) => l.name === 'cache');
    assert.ok(cache !== undefined, 'workers keeps the cache lock (no elision across threads)');
    assert.equal(cache.mode, 'mixed');
    assert.ok(cache.exclusiveShare > 0 && cache.exclusiveShare < 0.5, 'mostly reads (hits), a few writes (misses)');
    assert.ok(cache.exclusiveHoldPerFlowUs < cache.holdPerFlowUs);
    const v = verdictOf(a);
    assert.equal(v.binding?.parallelism, 2);
    assert.ok(v.bounds.some((b) => b.kind === 'lock' && b.name === 'cache'));
  });

  it('prints JSON with --json', async () => {
    const r = await run([fixture, '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { analysis: { program: string }; verdict: { binding: { kind: string } } };
    assert.equal(j.analysis.program, 'web');
    assert.equal(j.verdict.binding.kind, 'cpu');
  });
});

describe('hot paths', () => {
  it('rank by frequency x time, not by frequency alone', () => {
    const s = snapshot({
      flows: 1101,
      nodes: {},
      paths: [
        { nodes: ['A'], count: 1000, meanMs: 0.01 }, // 10 ms in all
        { nodes: ['A', 'Slow'], count: 100, meanMs: 1 }, // 100 ms
        { nodes: ['B'], count: 1, meanMs: 50 }, // 50 ms
      ],
    });
    const ranked = rankPaths(s);
    assert.deepEqual(ranked.map((p) => p.nodes.join('>')), ['A>Slow', 'B', 'A']);
    assert.ok(Math.abs(ranked[0]!.share - 100 / 160) < 1e-9);
  });
});

describe('verdict', () => {
  it('binds on CPU under event, naming the costliest part, with the runtime outside nodes as a part', () => {
    const s = snapshot({ flows: 1000, processCpuUs: 1000 * 55, nodes: { Parse: { calls: 1000, cpuUs: 10 }, Render: { calls: 1000, cpuUs: 30 } } });
    const v = verdictOf(analyze(s));
    assert.equal(v.binding?.kind, 'cpu');
    assert.ok(Math.abs(v.binding!.demandUs - 55) < 1e-6, 'the process CPU per flow');
    assert.ok(Math.abs(v.binding!.flowsPerSecond - 1e6 / 55) < 1e-3, '1 core / 55 µs');
    assert.equal(v.dominant?.name, 'Render');
    const parts = v.binding!.contributors.map((c) => [c.name, Math.round(c.us)]);
    assert.deepEqual(parts, [['Render', 30], [RUNTIME, 15], ['Parse', 10]]);
    // Render at half: 40 µs a flow.
    assert.ok(Math.abs(v.halvedDominantFlowsPerSecond! - 1e6 / 40) < 1e-3);
    assert.equal(v.headroom, null, 'no other bound');
  });

  it('never credits a synchronous node with more CPU than its synchronous wall time (the thread CPU clock is coarse)', () => {
    const s = snapshot({ flows: 1000, processCpuUs: 1000 * 55, nodes: { Parse: { calls: 1000, cpuUs: 10 }, Render: { calls: 1000, cpuUs: 30 } } });
    s.nodes['Parse']!.cpuMs = (1000 * 40) / 1000; // the clock's steps landed in Parse: 40 µs a call, 10 µs of wall
    const parse = analyze(s).nodes.find((n) => n.name === 'Parse')!;
    assert.ok(Math.abs(parse.cpu.meanUs - 10) < 1e-6, `CPU ${parse.cpu.meanUs} µs a call, at most its 10 µs`);
    assert.equal(verdictOf(analyze(s)).dominant?.name, 'Render');
  });

  it('under event, takes the main thread\'s CPU as the demand (libuv\'s pool works beside it)', () => {
    const s = snapshot({ flows: 1000, processCpuUs: 1000 * 80, mainThreadCpuUs: 1000 * 50, nodes: { Work: { calls: 1000, cpuUs: 20 } } });
    const v = verdictOf(analyze(s));
    assert.ok(Math.abs(v.binding!.demandUs - 50) < 1e-6);
    assert.equal(v.dominant?.name, RUNTIME);
  });

  it('bounds threadpool by its main thread when that is the serial part', () => {
    const s = snapshot({ runtime: 'threadpool', cores: 2, threads: 2, flows: 1000, processCpuUs: 1000 * 60, mainThreadCpuUs: 1000 * 40, nodes: { Work: { calls: 1000, cpuUs: 20 } } });
    const v = verdictOf(analyze(s));
    // CPU: 2 cores / 60 µs = 33,333; main thread: 1 / 40 µs = 25,000.
    assert.equal(v.binding?.kind, 'main');
    assert.ok(Math.abs(v.binding!.flowsPerSecond - 25_000) < 1e-6);
    assert.match(v.lines[0]!, /The main thread limits throughput: at most 25,000 flows\/s/);
    assert.equal(v.bounds[1]?.kind, 'cpu');
    assert.ok(Math.abs(v.headroom! - (2e6 / 60) / (1e6 / 40)) < 1e-9, 'CPU would allow a third more');
  });

  it('uses every core the runtime can use', () => {
    const nodes = { Work: { calls: 100, cpuUs: 100 } };
    assert.equal(verdictOf(analyze(snapshot({ runtime: 'workers', cores: 4, threads: 4, flows: 100, nodes }))).binding!.parallelism, 4);
    assert.equal(verdictOf(analyze(snapshot({ runtime: 'workers', cores: 4, threads: 2, flows: 100, nodes }))).binding!.parallelism, 2);
    assert.equal(verdictOf(analyze(snapshot({ runtime: 'threadpool', cores: 4, threads: 2, flows: 100, nodes }))).binding!.parallelism, 3);
    assert.equal(verdictOf(analyze(snapshot({ runtime: 'event', cores: 4, threads: 1, flows: 100, nodes }))).binding!.parallelism, 1);
  });

  it('binds on an exclusive lock held longer per flow than the CPU allows, and says by how much', () => {
    const s = snapshot({
      runtime: 'threadpool',
      cores: 4,
      threads: 4,
      flows: 1000,
      nodes: { Update: { calls: 1000, cpuUs: 100 } },
      // 2 acquisitions a flow x 100 µs = 200 µs of serial hold a flow: 5,000 flows/s; CPU allows 4 / 100 µs = 40,000.
      locks: { table: { mode: 'exclusive', acquisitions: 2000, holdUs: 100 }, readers: { mode: 'shared', acquisitions: 1000, holdUs: 500 } },
    });
    const v = verdictOf(analyze(s));
    assert.equal(v.binding?.kind, 'lock');
    assert.equal(v.binding?.name, 'table');
    assert.ok(Math.abs(v.binding!.flowsPerSecond - 5000) < 1e-6);
    assert.ok(Math.abs(v.headroom! - 8) < 1e-9, 'CPU would allow 8x more');
    assert.ok(!v.bounds.some((b) => b.name === 'readers'), 'a shared lock serialises nothing');
    assert.match(v.lines[0]!, /Lock table limits throughput: at most 5,000 flows\/s/);
    // Halving the hold moves the bound to 10,000.
    assert.ok(Math.abs(v.halvedDominantFlowsPerSecond! - 10_000) < 1e-6);
  });

  it('counts only the exclusive holds of a lock taken both ways', () => {
    const s = snapshot({
      runtime: 'workers',
      cores: 2,
      threads: 2,
      flows: 1000,
      nodes: { Work: { calls: 1000, cpuUs: 10 } },
      // 1000 holds of 100 µs a flow would bind at 10,000 flows/s; only 10 are exclusive: 1 µs a flow.
      locks: { cache: { mode: 'mixed', acquisitions: 1000, exclusive: 10, holdUs: 100 } },
    });
    const v = verdictOf(analyze(s));
    assert.equal(v.binding?.kind, 'cpu');
    const lock = v.bounds.find((b) => b.name === 'cache')!;
    assert.ok(Math.abs(lock.flowsPerSecond - 1e6) < 1e-3);
    assert.match(lock.note ?? '', /exclusive holds only: 1\.0% of its acquisitions/);
  });

  it('has nothing to judge without completed flows', () => {
    const v = verdictOf(analyze(snapshot({ flows: 0, nodes: { A: { calls: 0, cpuUs: 0 } } })));
    assert.equal(v.binding, null);
    assert.match(v.lines[0]!, /No flow completed/);
  });
});

describe('bad input', () => {
  it('exits 1 with a clear message for a missing file', async () => {
    const r = await run([join(tmp, 'nope.json')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /nope\.json: no such file/);
  });

  it('exits 1 for a file that is not JSON, or JSON that is not a snapshot', async () => {
    const garbage = join(tmp, 'garbage.json');
    writeFileSync(garbage, '\u0000\u0001 not json');
    let r = await run([garbage]);
    assert.equal(r.code, 1);
    assert.match(r.err, /not JSON/);
    writeFileSync(garbage, '[1, 2, 3]');
    r = await run([garbage]);
    assert.equal(r.code, 1);
    assert.match(r.err, /not a statistics snapshot/);
  });

  it('tells a version 1 snapshot (no profile) apart, and names a broken field', () => {
    const v1 = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown>;
    delete v1['version'];
    delete v1['profile'];
    assert.throws(() => validateSnapshot(v1, 'old.json'), /old\.json: a version 1 snapshot \(no profile\)/);
    const broken = JSON.parse(readFileSync(fixture, 'utf8')) as { profile: { flowUs: { buckets: unknown } } };
    broken.profile.flowUs.buckets = 'x';
    assert.throws(() => validateSnapshot(broken, 'b.json'), /b\.json: profile\.flowUs\.buckets must be a list of counts/);
    assert.throws(() => validateSnapshot({ ...v1, version: 3 }, 'new.json'), /snapshot version 3/);
  });

  it('refuses --svg without --program, and a program the snapshot is not of', async () => {
    let r = await run([fixture, '--svg', join(tmp, 'x.svg')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /--svg needs --program/);
    const other = join(tmp, 'other.flux');
    writeFileSync(other, readFileSync(webProgram, 'utf8'));
    r = await run([fixture, '--program', other]);
    assert.equal(r.code, 1);
    assert.match(r.err, /the snapshot is of program web, not other/);
    r = await run([]);
    assert.equal(r.code, 1);
    assert.match(r.err, /expected a statistics file/);
  });

  it('exits 1 from `pnpm flux profile` on a missing file (the real command line)', () => {
    const r = spawnSync(process.execPath, [join(repo, 'scripts/flux.ts'), 'profile', join(tmp, 'missing.json')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /flux profile: .*missing\.json: no such file/);
  });
});
