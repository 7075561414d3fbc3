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
/** raw-net with the default revalidation (hits answered from memory), a short idle time, and files up to 300 KB cached. */
let rawNetHot: RunningTarget;
let ceiling: RunningTarget;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flux-bench-web-targets-'));
  set = await ensureFileSet({ directories: 1, seed: 9, cacheDir: dir });
  const launch = (label: string, script: string, extra: string[]) =>
    startTarget({ label, command: process.execPath, args: [script, '--root', set.root, '--port', '0', ...extra], readiness: { kind: 'announce' } });
  const cacheArgs = ['--max-file-bytes', '100000', '--revalidate-ms', '0'];
  [nodeHttp, rawNet, rawNetHot, ceiling] = await Promise.all([
    launch('node-http', NODE_HTTP, cacheArgs),
    launch('raw-net', RAW_NET, cacheArgs),
    launch('raw-net (hot)', RAW_NET, ['--max-file-bytes', '300000', '--idle-ms', '400']),
    launch('ceiling', CEILING, []),
  ]);
});

after(async () => {
  await Promise.allSettled([nodeHttp?.stop(), rawNet?.stop(), rawNetHot?.stop(), ceiling?.stop()]);
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

test('raw node:net answers a pipelined batch of hits, misses and errors in order, from memory where it can', async () => {
  const file = await readFile(join(set.root, FILE));
  const other = '/dir00000/class0_7';
  // Warm the cache, and learn the ETag.
  const etag = (await fetch(rawNetHot.url + FILE)).headers.get('etag');
  await (await fetch(rawNetHot.url + other)).arrayBuffer();
  const connection = await RawConnection.open(rawNetHot.url);
  try {
    connection.send(
      `GET ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n` +
      `HEAD ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n` +
      `GET ${FILE} HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\n` +
      `GET /dir00000/nope HTTP/1.1\r\nHost: x\r\n\r\n` +
      `GET ${other} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n` +
      `GET ${FILE}?q=1 HTTP/1.1\r\nHost: x\r\n\r\n` +
      // An empty line before a request line is ignored (RFC 9112, 2.2).
      `\r\nGET ${other} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` +
      `GET ${FILE} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const responses = await connection.read(7, [false, true]);
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 304, 404, 200, 200, 200]);
    assert.deepEqual(responses[0].body, file);
    assert.equal(responses[1].headers['content-length'], String(file.length));
    assert.equal(responses[1].body.length, 0);
    assert.equal(responses[2].headers.etag, etag);
    assert.equal(responses[4].headers.connection, 'keep-alive');
    assert.deepEqual(responses[4].body, await readFile(join(set.root, other)));
    assert.deepEqual(responses[5].body, file);
    assert.equal(responses[6].headers.connection, 'close');
    assert.equal(await connection.closedByServer(), true);
    assert.equal(connection.leftover, 0, 'the request after Connection: close is not answered');
  } finally {
    connection.destroy();
  }
});

test('raw node:net answers 30 pipelined requests for large files in order, cached, streamed and small alike', async () => {
  // 204,800 bytes: cached, one complete response; 512,000 bytes: over --max-file-bytes, streamed; 3,072 bytes.
  const paths = ['/dir00000/class3_2', '/dir00000/class3_5', FILE];
  const bodies = await Promise.all(paths.map((p) => readFile(join(set.root, p))));
  const connection = await RawConnection.open(rawNetHot.url);
  try {
    const order = Array.from({ length: 30 }, (_, i) => i % 3);
    // More than the socket buffers hold: the server has to wait for the client to read.
    connection.send(order.map((i) => `GET ${paths[i]} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
    const responses = await connection.read(order.length);
    responses.forEach((response, n) => {
      assert.equal(response.status, 200);
      assert.ok(response.body.equals(bodies[order[n]]), `response ${n}: ${paths[order[n]]}`);
    });
  } finally {
    connection.destroy();
  }
});

test('raw node:net frames a head that arrives in pieces, and closes connections idle for --idle-ms', async () => {
  const connection = await RawConnection.open(rawNetHot.url);
  try {
    for (const piece of ['GET /dir00', `000/class1_3 HTTP/1.1\r`, '\nHost: x\r\n', '\r', '\n']) {
      connection.send(piece);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [response] = await connection.read(1);
    assert.equal(response.status, 200);
    assert.equal(response.body.length, 3072);
    // Idle from here: the sweep (once a second) closes it after 400 ms.
    assert.equal(await connection.closedByServer(3000), true);
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
