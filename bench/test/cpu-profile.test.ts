/**
 * The CPU profile's preparation: one request path with the rounds asked for, the Flux server per runtime and,
 * with --threads, per thread count for the runtimes that take one (ids and labels apart, the flag passed), the
 * node:http baseline, the ceiling, bad options refused; and a one-second run through the harness with wrk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cpuProfile, DEFAULT_ROUNDS, parseThreadCounts } from '../profiles/cpu.ts';
import { findProfile } from '../profiles/index.ts';
import { findWrk } from '../src/load/wrk-client.ts';
import type { PreparedWorkload } from '../src/profile.ts';
import type { BenchRecord } from '../src/results/record.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function prepare(options: Record<string, string | undefined>): Promise<PreparedWorkload> {
  return cpuProfile.prepare({ seed: 1, runtimes: cpuProfile.runtimes, options, log: () => {} });
}

test('the cpu profile is registered and asks for one path with the default rounds', async () => {
  assert.equal(findProfile('cpu'), cpuProfile);
  const workload = await prepare({});
  assert.deepEqual(workload.settings.requestMix, { kind: 'digest', path: `/digest?rounds=${DEFAULT_ROUNDS}`, rounds: DEFAULT_ROUNDS });
  assert.equal(workload.settings.fluxThreads, 'runtime default');
  assert.deepEqual((await prepare({ rounds: '10' })).settings.requestMix, { kind: 'digest', path: '/digest?rounds=10', rounds: 10 });
});

test('without --threads: one target per runtime, with the runtime default', async () => {
  const workload = await prepare({});
  for (const runtime of cpuProfile.runtimes) {
    const targets = workload.fluxTargets!(runtime);
    assert.deepEqual(targets.map((t) => [t.id, t.label, t.runtime]), [[`flux/${runtime}`, `flux (${runtime})`, runtime]]);
    const launch = await targets[0]!.launch();
    assert.ok(!launch.args.includes('--threads'), runtime);
    assert.deepEqual(launch.args.slice(1, 3), ['--runtime', runtime]);
  }
});

test('--threads 1,2: threadpool and workers once per count, with ids and labels apart; event and thread once', async () => {
  const workload = await prepare({ threads: '1,2' });
  assert.deepEqual(workload.settings.fluxThreads, [1, 2]);
  for (const runtime of ['threadpool', 'workers']) {
    const targets = workload.fluxTargets!(runtime);
    assert.deepEqual(targets.map((t) => [t.id, t.label]), [
      [`flux/${runtime}/1-threads`, `flux (${runtime}, 1 thread)`],
      [`flux/${runtime}/2-threads`, `flux (${runtime}, 2 threads)`],
    ]);
    const launches = await Promise.all(targets.map((t) => t.launch()));
    assert.deepEqual(launches.map((l) => l.args.slice(l.args.indexOf('--threads'))), [['--threads', '1'], ['--threads', '2']]);
  }
  for (const runtime of ['event', 'thread']) {
    assert.deepEqual(workload.fluxTargets!(runtime).map((t) => t.id), [`flux/${runtime}`]);
  }
  const ids = cpuProfile.runtimes.flatMap((r) => workload.fluxTargets!(r).map((t) => t.id));
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.deepEqual(workload.baselines().map((b) => (b.available ? b.target.id : b.id)), ['node-http']);
  assert.equal(workload.ceilingTarget().role, 'ceiling');
});

test('bad --rounds and --threads are refused', async () => {
  for (const rounds of ['0', 'abc', '1.5', '2000000']) await assert.rejects(prepare({ rounds }), RangeError, rounds);
  for (const threads of ['0', 'a', '1,,2', '300']) assert.throws(() => parseThreadCounts(threads), RangeError, threads);
  assert.deepEqual(parseThreadCounts('2, 1,2'), [2, 1]);
  assert.equal(parseThreadCounts(undefined), undefined);
});

test('bench cpu with wrk: the threadpool server at two thread counts, the digest path, wrk CPU recorded', async (t) => {
  if (!findWrk()) return t.skip('wrk is not installed: apt-get install wrk (or set WRK=/path/to/wrk) to run the wrk end-to-end test');
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-cpu-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI, 'cpu', '--runtime=threadpool', '--threads=1,2', '--rounds=100', '--baselines=none', '--no-ceiling', '--load=wrk', '--connections=2',
        '--duration=1', '--warmup=0', '--runs=1', '--no-history', `--out=${join(dir, 'local')}`, '--json',
      ],
      { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const record = JSON.parse(stdout) as BenchRecord;
    assert.equal(record.profile, 'cpu');
    assert.deepEqual(record.targets.map((target) => [target.id, target.label, target.error]), [
      ['flux/threadpool/1-threads', 'flux (threadpool, 1 thread)', undefined],
      ['flux/threadpool/2-threads', 'flux (threadpool, 2 threads)', undefined],
    ]);
    for (const entry of record.results) {
      assert.ok(entry.median.requestsPerSecond > 0, entry.target);
      assert.equal(entry.median.non2xx, 0, entry.target);
      assert.equal(entry.median.errors, 0, entry.target);
      assert.ok(entry.median.loadClientCores !== undefined && entry.median.loadClientCores > 0, `${entry.target}: wrk's CPU`);
      // A 64-digit hex line and a head of under 200 bytes.
      const bytesPerResponse = entry.median.bytesPerSecond / entry.median.requestsPerSecond;
      assert.ok(bytesPerResponse > 65 && bytesPerResponse < 300, `${entry.target}: ${bytesPerResponse} bytes a response`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
