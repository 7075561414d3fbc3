import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLValidator } from 'fast-xml-parser';
import { findWrk } from '../src/load/wrk-client.ts';
import type { BenchRecord } from '../src/results/record.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

test('bench web runs about a second against the node:http baseline (autocannon) and writes its record, table, chart and history', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-e2e-'));
  try {
    const history = join(dir, 'history.jsonl');
    const out = join(dir, 'local');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI, 'web', '--runtime=none', '--baselines=node-http', '--no-ceiling', '--load=autocannon', '--connections=4', '--duration=1', '--warmup=0',
        '--runs=1', '--dirs=1', `--cache-dir=${join(dir, 'cache')}`, `--history=${history}`, `--out=${out}`, '--json',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const record = JSON.parse(stdout) as BenchRecord;
    assert.equal(record.profile, 'web');
    assert.match(record.settings.loadClient, /^autocannon /);
    assert.deepEqual(record.targets.map((t) => [t.id, t.error]), [['node-http', undefined]]);
    const [entry] = record.results;
    assert.equal(entry.target, 'node-http');
    assert.equal(entry.connections, 4);
    assert.equal(entry.runs.length, 1);
    assert.ok(entry.median.requestsPerSecond > 0);
    assert.equal(entry.median.non2xx, 0, 'every request of the mix names a file that exists');
    assert.equal(entry.median.errors, 0);
    assert.equal((record.settings.workload as { fileSet: { files: number } }).fileSet.files, 36);

    const stored = (await readFile(history, 'utf8')).trim().split('\n');
    assert.equal(stored.length, 1);
    assert.equal((JSON.parse(stored[0]) as BenchRecord).id, record.id);
    assert.deepEqual((await readdir(join(out, record.id))).sort(), ['chart.svg', 'results.json', 'table.txt']);
    assert.equal(XMLValidator.validate(await readFile(join(out, record.id, 'chart.svg'), 'utf8')), true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench web --mix single with wrk: raw node:net and the ceiling serve one file, recorded as such', async (t) => {
  if (!findWrk()) return t.skip('wrk is not installed: apt-get install wrk (or set WRK=/path/to/wrk) to run the wrk end-to-end test');
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-e2e-wrk-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI, 'web', '--runtime=none', '--baselines=raw-net', '--load=wrk', '--mix=single', '--file-bytes=2048', '--connections=2',
        '--duration=1', '--warmup=0', '--runs=1', `--cache-dir=${join(dir, 'cache')}`, '--no-history', `--out=${join(dir, 'local')}`, '--json',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const record = JSON.parse(stdout) as BenchRecord;
    assert.match(record.settings.loadClient, /^wrk \S+ \(1 thread\)$/);
    assert.deepEqual((record.settings.workload as { requestMix: unknown }).requestMix, { kind: 'single', path: '/single/file_2048', bytes: 2048 });
    assert.deepEqual(record.results.map((r) => r.target).sort(), ['ceiling', 'raw-net']);
    for (const entry of record.results) {
      assert.ok(entry.median.requestsPerSecond > 0, entry.target);
      assert.equal(entry.median.non2xx, 0, entry.target);
      assert.equal(entry.median.errors, 0, entry.target);
      // Every response is one 2048-byte file and a head of about 250 bytes.
      const bytesPerResponse = entry.median.bytesPerSecond / entry.median.requestsPerSecond;
      assert.ok(bytesPerResponse > 2048 && bytesPerResponse < 2048 + 400, `${entry.target}: ${bytesPerResponse} bytes a response`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench image-scaler --mode all-hit with wrk: the cached node:http baseline serves hot keys only, after the prefill', async (t) => {
  if (!findWrk()) return t.skip('wrk is not installed: apt-get install wrk (or set WRK=/path/to/wrk) to run the wrk end-to-end test');
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-e2e-image-wrk-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI, 'image-scaler', '--runtime=none', '--baselines=node-http-cache', '--no-ceiling', '--mode=all-hit', '--images=1', '--connections=2',
        '--duration=1', '--warmup=0', '--runs=1', `--cache-dir=${join(dir, 'cache')}`, '--no-history', `--out=${join(dir, 'local')}`, '--json',
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const record = JSON.parse(stdout) as BenchRecord;
    assert.match(record.settings.loadClient, /^wrk \S+ \(1 thread\)$/, 'wrk is the default in all-hit mode');
    const [entry] = record.results;
    assert.equal(entry.target, 'node-http-cache');
    assert.ok(entry.median.requestsPerSecond > 0);
    assert.equal(entry.median.non2xx, 0);
    assert.equal(entry.median.errors, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench image-scaler refuses --load wrk outside all-hit mode, before preparing anything', async () => {
  await assert.rejects(
    promisify(execFile)(process.execPath, [CLI, 'image-scaler', '--runtime=none', '--mode=mix', '--load=wrk', '--no-history'], { timeout: 30_000 }),
    (error: Error & { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /BENCH_ERR_USAGE: --load: wrk cannot drive this run: wrk drives the image scaler only with --mode all-hit/);
      return true;
    },
  );
});

test('bench reports a clear usage error and exits 2', async () => {
  await assert.rejects(promisify(execFile)(process.execPath, [CLI, 'web', '--runtime=threads'], { timeout: 30_000 }), (error: Error & { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /BENCH_ERR_USAGE: --runtime: unknown threads \(known: event, threadpool, thread/);
    return true;
  });
});
