import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTarget, type RunningTarget } from '../src/process/target-process.ts';
import { ensureFileSet, type FileSet } from '../src/workload/fileset.ts';
import { RawConnection } from './fixtures/raw-http.ts';

const NODE_HTTP = fileURLToPath(new URL('../targets/web/node-http.ts', import.meta.url));
const RAW_NET = fileURLToPath(new URL('../targets/web/raw-net.ts', import.meta.url));
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
let rawNet: RunningTarget;
let ceiling: RunningTarget;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flux-bench-web-targets-'));
  set = await ensureFileSet({ directories: 1, seed: 9, cacheDir: dir });
  const launch = (label: string, script: string, extra: string[]) =>
    startTarget({ label, command: process.execPath, args: [script, '--root', set.root, '--port', '0', ...extra], readiness: { kind: 'announce' } });
  const cacheArgs = ['--max-file-bytes', '100000', '--revalidate-ms', '0'];
  [nodeHttp, rawNet, ceiling] = await Promise.all([
    launch('node-http', NODE_HTTP, cacheArgs),
    launch('raw-net', RAW_NET, cacheArgs),
    launch('ceiling', CEILING, []),
  ]);
});

after(async () => {
  await Promise.allSettled([nodeHttp?.stop(), rawNet?.stop(), ceiling?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const FILE = '/dir00000/class1_3';
// The targets start in before(): look them up when a test runs.
const HTTP_SERVERS = [
  { name: 'node:http', serverHeader: 'node-http', target: () => nodeHttp },
  { name: 'raw node:net', serverHeader: 'raw-net', target: () => rawNet },
] as const;

for (const { name, serverHeader, target } of HTTP_SERVERS) {
  test(`${name} serves files with the Flux server's headers, from its cache too`, async () => {
    const expected = await readFile(join(set.root, FILE));
    for (let i = 0; i < 2; i++) {
      const response = await fetch(target().url + FILE);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('server'), serverHeader);
      assert.equal(response.headers.get('content-type'), 'application/octet-stream');
      assert.equal(response.headers.get('content-length'), String(expected.length));
      assert.equal(response.headers.get('accept-ranges'), 'bytes');
      assert.match(response.headers.get('etag') ?? '', /^"[0-9a-f]+-c00"$/);
      assert.ok(Date.parse(response.headers.get('last-modified') ?? '') > 0);
      assert.ok(Date.parse(response.headers.get('date') ?? '') > 0);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), expected);
    }
  });

  test(`${name} keeps the connection alive and answers 3 pipelined requests (one write) in order`, async () => {
    const connection = await RawConnection.open(target().url);
    try {
      const paths = ['/dir00000/class0_1', '/dir00000/class2_9', '/dir00000/class1_2'];
      connection.send(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
      const responses = await connection.read(3);
      for (let i = 0; i < 3; i++) {
        assert.equal(responses[i].status, 200);
        assert.deepEqual(responses[i].body, await readFile(join(set.root, paths[i])), paths[i]);
      }
      // Still open: a fourth request on the same connection is answered.
      connection.send(`GET ${paths[0]} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.equal((await connection.read(1))[0].status, 200);
      assert.equal(await connection.closedByServer(300), false);
    } finally {
      connection.destroy();
    }
  });

  test(`${name} answers If-None-Match with 304 and HEAD with the head alone`, async () => {
    const connection = await RawConnection.open(target().url);
    try {
      connection.send(`HEAD ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const [head] = await connection.read(1, [true]);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], '3072');
      assert.equal(head.body.length, 0);
      connection.send(`GET ${FILE} HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${head.headers.etag}\r\n\r\nGET ${FILE} HTTP/1.1\r\nHost: x\r\nIf-None-Match: "other"\r\n\r\n`);
      const [notModified, modified] = await connection.read(2);
      assert.equal(notModified.status, 304);
      assert.equal(notModified.headers.etag, head.headers.etag);
      assert.equal(notModified.body.length, 0);
      assert.equal(modified.status, 200);
      assert.equal(modified.body.length, 3072);
      assert.equal(connection.leftover, 0, 'nothing after the last response: HEAD and 304 carry no body');
    } finally {
      connection.destroy();
    }
  });

  test(`${name}: 404 for a missing file or a folder, 400 for a path with .., 405 for POST, streams large files`, async () => {
    assert.equal((await fetch(`${target().url}/dir00000/nope`)).status, 404);
    assert.equal((await fetch(`${target().url}/dir00000`)).status, 404);
    // fetch would resolve the dot segments itself: send the raw target.
    assert.equal(await rawStatus(target().url, '/a/%2e%2e/%2e%2e/etc/passwd'), 400);
    assert.equal(await rawStatus(target().url, '/../dir00000/class0_1'), 400);
    assert.equal((await fetch(`${target().url}/dir00000/class0_1`, { method: 'POST', body: 'x' })).status, 405);
    const big = await fetch(`${target().url}/dir00000/class3_2`);
    assert.equal(big.status, 200);
    assert.equal((await big.arrayBuffer()).byteLength, 204_800);
  });

  test(`${name} closes the connection after a response to Connection: close`, async () => {
    const connection = await RawConnection.open(target().url);
    try {
      connection.send(`GET ${FILE} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const [response] = await connection.read(1);
      assert.equal(response.status, 200);
      assert.equal(response.headers.connection, 'close');
      assert.equal(await connection.closedByServer(), true);
    } finally {
      connection.destroy();
    }
  });

  test(`${name} notices a changed file once its entry is due for revalidation`, async () => {
    const path = join(set.root, '/dir00000/class0_9');
    const original = await readFile(path);
    try {
      assert.deepEqual(Buffer.from(await (await fetch(target().url + '/dir00000/class0_9')).arrayBuffer()), original);
      await writeFile(path, 'changed');
      await utimes(path, new Date(), new Date(Date.now() + 5000));
      assert.equal(await (await fetch(target().url + '/dir00000/class0_9')).text(), 'changed');
    } finally {
      await writeFile(path, original);
    }
  });
}

test('raw node:net skips a request body by its Content-Length and answers a malformed head with 400, then closes', async () => {
  const connection = await RawConnection.open(rawNet.url);
  try {
    connection.send(`GET ${FILE} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const responses = await connection.read(2);
    assert.deepEqual(responses.map((r) => r.status), [200, 200]);
    connection.send('NONSENSE\r\n\r\n');
    const [bad] = await connection.read(1);
    assert.equal(bad.status, 400);
    assert.equal(await connection.closedByServer(), true);
  } finally {
    connection.destroy();
  }
});

test('the ceiling server answers the same paths with the same bytes, pipelined too, from memory', async () => {
  for (const path of ['/dir00000/class0_1', '/dir00000/class2_9']) {
    const response = await fetch(ceiling.url + path);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), await readFile(join(set.root, path)));
  }
  assert.equal((await fetch(`${ceiling.url}/missing`)).status, 404);
  const connection = await RawConnection.open(ceiling.url);
  try {
    connection.send(`GET /dir00000/class0_1 HTTP/1.1\r\n\r\nGET /missing HTTP/1.1\r\n\r\nGET /dir00000/class1_1?x=1 HTTP/1.1\r\n\r\n`);
    const responses = await connection.read(3);
    assert.deepEqual(responses.map((r) => [r.status, r.body.length]), [[200, 102], [404, 14], [200, 1024]]);
  } finally {
    connection.destroy();
  }
});
