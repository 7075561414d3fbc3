import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTarget, type RunningTarget } from '../src/process/target-process.ts';
import { ensureFileSet, type FileSet } from '../src/workload/fileset.ts';

const NODE_HTTP = fileURLToPath(new URL('../targets/web/node-http.ts', import.meta.url));
const CEILING = fileURLToPath(new URL('../targets/ceiling.ts', import.meta.url));

function rawStatus(base: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(base, { path: target, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let set: FileSet;
let nodeHttp: RunningTarget;
let ceiling: RunningTarget;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flux-bench-web-targets-'));
  set = await ensureFileSet({ directories: 1, seed: 9, cacheDir: dir });
  const launch = (label: string, script: string, extra: string[]) =>
    startTarget({ label, command: process.execPath, args: [script, '--root', set.root, '--port', '0', ...extra], readiness: { kind: 'announce' } });
  [nodeHttp, ceiling] = await Promise.all([
    launch('node-http', NODE_HTTP, ['--max-file-bytes', '100000', '--revalidate-ms', '0']),
    launch('ceiling', CEILING, []),
  ]);
});

after(async () => {
  await Promise.allSettled([nodeHttp?.stop(), ceiling?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

test('node:http serves files with Content-Type, Content-Length, ETag and Last-Modified, from its cache too', async () => {
  const path = '/dir00000/class1_3';
  const expected = await readFile(join(set.root, path));
  for (let i = 0; i < 2; i++) {
    const response = await fetch(nodeHttp.url + path);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    assert.equal(response.headers.get('content-length'), String(expected.length));
    assert.match(response.headers.get('etag') ?? '', /^"[0-9a-f]+-c00"$/);
    assert.ok(Date.parse(response.headers.get('last-modified') ?? '') > 0);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), expected);
  }
  const etag = (await fetch(nodeHttp.url + path, { method: 'HEAD' })).headers.get('etag')!;
  const notModified = await fetch(nodeHttp.url + path, { headers: { 'If-None-Match': etag } });
  assert.equal(notModified.status, 304);
});

test('node:http streams files over its largest cached size, and refuses bad paths', async () => {
  const big = await fetch(`${nodeHttp.url}/dir00000/class3_2`);
  assert.equal(big.status, 200);
  assert.equal((await big.arrayBuffer()).byteLength, 204_800);
  assert.equal((await fetch(`${nodeHttp.url}/dir00000/nope`)).status, 404);
  assert.equal((await fetch(`${nodeHttp.url}/dir00000`)).status, 404);
  // fetch would resolve the dot segments itself: send the raw target.
  assert.equal(await rawStatus(nodeHttp.url, '/a/%2e%2e/%2e%2e/etc/passwd'), 400);
  assert.equal(await rawStatus(nodeHttp.url, '/../dir00000/class0_1'), 400);
  assert.equal((await fetch(nodeHttp.url + '/dir00000/class0_1', { method: 'POST', body: 'x' })).status, 405);
});

test('the ceiling server answers the same paths with bodies of the same size, from memory', async () => {
  for (const path of ['/dir00000/class0_1', '/dir00000/class2_9']) {
    const response = await fetch(ceiling.url + path);
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), await readFile(join(set.root, path)));
  }
  assert.equal((await fetch(`${ceiling.url}/missing`)).status, 404);
});
