import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyRecorder } from '../src/load/latency-recorder.ts';
import { findNginx, nginxConfig } from '../targets/web/nginx.ts';
import { etagFor, resolveUrlPath } from '../targets/web/http-file-headers.ts';

test('nginx is found on PATH, through $NGINX, or not at all', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-nginx-'));
  try {
    const fake = join(dir, 'nginx');
    await writeFile(fake, '#!/bin/sh\nexit 0\n');
    await chmod(fake, 0o755);
    assert.equal(findNginx({ PATH: dir }), fake);
    assert.equal(findNginx({ NGINX: fake, PATH: '' }), fake);
    assert.equal(findNginx({ NGINX: join(dir, 'missing'), PATH: dir }), undefined, 'an explicit $NGINX that is not there is not silently replaced');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the nginx config serves the root on 127.0.0.1 only, without an access log, with sendfile', () => {
  const config = nginxConfig({ root: '/data/set', port: 4567, workDir: '/tmp/w' });
  assert.match(config, /listen 127\.0\.0\.1:4567;/);
  assert.doesNotMatch(config, /listen (?!127\.0\.0\.1)/);
  assert.match(config, /access_log off;/);
  assert.match(config, /sendfile on;/);
  assert.match(config, /worker_processes auto;/);
  assert.match(config, /daemon off;/);
  assert.match(config, /root \/data\/set;/);
  assert.match(config, /pid \/tmp\/w\/nginx\.pid;/);
  // Balanced braces: a config nginx can parse.
  assert.equal(config.split('{').length, config.split('}').length);
});

test('the node:http baseline resolves paths safely and makes nginx-style ETags', () => {
  assert.equal(resolveUrlPath('/dir00001/class2_3?x=1'), '/dir00001/class2_3');
  assert.equal(resolveUrlPath('/a/./b//c'), '/a/b/c');
  assert.equal(resolveUrlPath('/a/%2e%2e/b'), undefined);
  assert.equal(resolveUrlPath('/../etc/passwd'), undefined);
  assert.equal(resolveUrlPath('/%E0%A4%A'), undefined);
  assert.equal(resolveUrlPath('/a%00b'), undefined);
  assert.equal(etagFor(4096, 1_700_000_000_500), '"6553f100-1000"');
});

test('the latency recorder keeps sub-millisecond resolution and nearest-rank percentiles', () => {
  const recorder = new LatencyRecorder();
  assert.deepEqual(recorder.summary(), { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  for (let i = 1; i <= 100_000; i++) recorder.record(i / 1000); // 0.001 .. 100 ms, grows past its first buffer
  const summary = recorder.summary();
  assert.equal(recorder.size, 100_000);
  assert.equal(summary.p50, 50);
  assert.equal(summary.p90, 90);
  assert.equal(summary.p99, 99);
  assert.equal(summary.max, 100);
  assert.ok(Math.abs(summary.mean - 50.0005) < 1e-9);
  recorder.reset();
  recorder.record(0.25);
  assert.equal(recorder.summary().p50, 0.25);
});
