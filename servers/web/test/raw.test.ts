/**
 * End to end over raw sockets, under every runtime: pipelined, malformed and hostile requests, and the web's
 * options reaching the runtime's HTTP source (its framing, limits and timeouts are tested in the runtime,
 * packages/runtime/test/http/).
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, type RunningWeb } from '../src/server.ts';
import { makeFixture, SECRET, type Fixture } from './helpers/fixture.ts';
import { RawClient, exchange } from '@flux/runtime/test-helpers/raw-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

const HEADER_TIMEOUT_MS = 300;
const IDLE_TIMEOUT_MS = 500;
const SERVER = 'flux-web';

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

/** Hostile request targets: none may serve the secret beside the root, whatever their encoding. */
const HOSTILE_TARGETS = [
  '/../secret.txt',
  '/../../../../../../etc/passwd',
  '/..%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E%2Fsecret.txt',
  '/.%2e/secret.txt',
  '/%2e%2e%5csecret.txt',
  '/..\\secret.txt',
  '/%5c..%5csecret.txt',
  '/%252e%252e/secret.txt',
  '/%252e%252e%252fsecret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/sub/../../secret.txt',
  '/./../secret.txt',
  '//../secret.txt',
  '/hello.txt%00.html',
  '/%00',
  '/..;/secret.txt',
  '/link-outside.txt',
  '/link-outside-dir/secret.txt',
  '/link-outside-dir/',
  '/link-outside-dir',
  '/link-outside-dir/root/../secret.txt',
  'http://t/../secret.txt',
  'http://t/%2e%2e/secret.txt',
  '../secret.txt',
  'secret.txt',
  '*',
];

for (const runtime of RUNTIMES) {
  describe(`web over raw sockets (${runtime})`, () => {
    let fx: Fixture;
    let web: RunningWeb;
    let port: number;

    before(async () => {
      fx = await makeFixture();
      web = await startWeb({
        runtime,
        threads: 2,
        options: {
          root: fx.root,
          // Generous: a loaded machine must not time out the well-behaved clients of these tests.
          headerTimeoutMs: 10_000,
          idleTimeoutMs: 10_000,
          lingerMs: 100,
          maxDiscardBytes: 1024,
        },
      });
      port = web.port;
    });
    after(async () => {
      await web.stop();
      await fx.remove();
    });

    test('pipelined requests are answered in order', async () => {
      const c = await RawClient.open(port);
      c.write(get('/hello.txt') + `HEAD /digits.txt HTTP/1.1\r\nHost: t\r\n\r\n` + get('/missing') + get('/digits.txt', 'Range: bytes=1-3\r\n') + get('/sub'));
      const a = await c.response();
      const b = await c.response({ head: true });
      const d = await c.response();
      const e = await c.response();
      const f = await c.response();
      assert.deepEqual([a.status, b.status, d.status, e.status, f.status], [200, 200, 404, 206, 301]);
      assert.equal(a.body.toString(), 'hello, world\n');
      assert.equal(b.headers['content-length'], '10');
      assert.equal(e.body.toString(), '123');
      assert.equal(f.headers.location, '/sub/');
      assert.equal(c.rest().length, 0, 'nothing more than the five responses');
      c.close();
    });

    test('many pipelined requests in one write', async () => {
      const c = await RawClient.open(port);
      const paths = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? '/digits.txt' : i % 3 === 1 ? '/hello.txt' : '/nope'));
      c.write(paths.map((p) => get(p)).join(''));
      for (const p of paths) {
        const r = await c.response();
        assert.equal(r.status, p === '/nope' ? 404 : 200, p);
        if (p === '/digits.txt') assert.equal(r.body.toString(), '0123456789');
      }
      c.close();
    });

    test('a body that arrives in pieces after the head is discarded too', async () => {
      const c = await RawClient.open(port);
      c.write(`POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nab`);
      const refused = await c.response();
      assert.equal(refused.status, 405);
      assert.equal(refused.headers.allow, 'GET, HEAD');
      c.write('cdef' + get('/digits.txt'));
      assert.equal((await c.response()).body.toString(), '0123456789');
      c.close();
    });

    test('Connection: close is honoured', async () => {
      const { client, status, headers } = await exchange(port, get('/hello.txt', 'Connection: close\r\n'));
      assert.equal(status, 200);
      assert.equal(headers.connection, 'close');
      await client.waitClosed();
    });

    test('HTTP/1.0 closes unless it asks for keep-alive', async () => {
      const plain = await exchange(port, 'GET /hello.txt HTTP/1.0\r\n\r\n');
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.connection, 'close');
      await plain.client.waitClosed();
      const c = await RawClient.open(port);
      c.write('GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const first = await c.response();
      assert.equal(first.headers.connection, 'keep-alive');
      c.write('GET /digits.txt HTTP/1.0\r\n\r\n');
      assert.equal((await c.response()).body.toString(), '0123456789');
      await c.waitClosed();
    });

    test('malformed requests: 400 and close', async () => {
      const bad = [
        'GARBAGE\r\n\r\n',
        'GET /hello.txt HTTP/1.1\r\n\r\n', // no Host
        'GET /hello.txt\r\nHost: t\r\n\r\n',
        'GET /a b HTTP/1.1\r\nHost: t\r\n\r\n',
        'GET /hello.txt HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n',
        'GET /hello.txt HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n',
        'GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n',
        'GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
        'GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n',
        'GET /x\u0000 HTTP/1.1\r\nHost: t\r\n\r\n',
      ];
      await Promise.all(bad.map(async (request) => {
        const r = await exchange(port, request);
        assert.equal(r.status, 400, JSON.stringify(request));
        assert.equal(r.headers.connection, 'close');
        await r.client.waitClosed();
      }));
    });

    test('other HTTP versions: 505', async () => {
      for (const version of ['HTTP/2.0', 'HTTP/0.9', 'HTTP/3.0']) {
        const r = await exchange(port, `GET / ${version}\r\nHost: t\r\n\r\n`);
        assert.equal(r.status, 505, version);
        await r.client.waitClosed();
      }
    });




    test('hostile paths never reach outside the root', async () => {
      // All at once, each on its own connection (under `thread` each connection starts a worker: in parallel).
      await Promise.all(HOSTILE_TARGETS.map(async (target) => {
        const r = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`);
        r.client.close();
        assert.ok([400, 404].includes(r.status), `${target}: ${r.status}`);
        assert.ok(!r.body.toString('latin1').includes(SECRET), `${target} leaked the secret`);
      }));
    });

    test('after a 404 or 405 the connection stays usable', async () => {
      const c = await RawClient.open(port);
      c.write(get('/nope'));
      assert.equal((await c.response()).status, 404);
      c.write('PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n');
      assert.equal((await c.response()).status, 405);
      c.write(get('/hello.txt'));
      assert.equal((await c.response()).status, 200);
      assert.equal(c.isEnded, false);
      c.close();
    });
  });

  describe(`web timeouts (${runtime})`, () => {
    let fx: Fixture;
    let web: RunningWeb;
    let port: number;

    before(async () => {
      fx = await makeFixture();
      web = await startWeb({
        runtime,
        threads: 1,
        options: { root: fx.root, headerTimeoutMs: HEADER_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS, lingerMs: 100 },
      });
      port = web.port;
    });
    after(async () => {
      await web.stop();
      await fx.remove();
    });

    test('a client that sends its head too slowly gets 408 and is closed', async () => {
      const c = await RawClient.open(port);
      c.write('GET /hello.txt HTTP/1.1\r\nHo');
      const r = await c.response({ timeoutMs: 15_000 });
      assert.equal(r.status, 408);
      assert.equal(r.headers.server, SERVER);
      await c.waitClosed();
    });
  });

  describe(`web limits (${runtime})`, () => {
    let fx: Fixture;
    before(async () => {
      fx = await makeFixture();
    });
    after(() => fx.remove());

    test('connections over --max-connections get 503 and are closed', async () => {
      const web = await startWeb({ runtime, threads: 1, options: { root: fx.root, maxConnections: 1, idleTimeoutMs: 60_000 } });
      try {
        const first = await RawClient.open(web.port);
        first.write(get('/hello.txt'));
        assert.equal((await first.response()).status, 200);
        const second = await RawClient.open(web.port);
        const r = await second.response();
        assert.equal(r.status, 503);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(r.headers.server, SERVER);
        await second.waitClosed();
        first.close();
      } finally {
        await web.stop();
      }
    });
  });
}
