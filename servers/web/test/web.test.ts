/** End to end over HTTP, under every runtime: what a well-behaved client sees. */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { startWeb, type RunningWeb } from '../src/server.ts';
import { CACHE_FILE_BYTES, makeFixture, type Fixture } from './helpers/fixture.ts';
import { get as getOn } from './helpers/http-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

for (const runtime of RUNTIMES) {
  describe(`web over HTTP (${runtime})`, () => {
    let fx: Fixture;
    let web: RunningWeb;
    let port: number;
    // Keep-alive connections shared by the tests (under `thread` every new connection starts a worker).
    const shared = new Agent({ keepAlive: true, maxSockets: 2 });
    const get = (p: number, path: string, options: Parameters<typeof getOn>[2] = {}) => getOn(p, path, { agent: shared, ...options });

    before(async () => {
      fx = await makeFixture();
      web = await startWeb({
        runtime,
        threads: 2,
        options: { root: fx.root, maxFileBytes: CACHE_FILE_BYTES, cacheBytes: 1024 * 1024, revalidateMs: 0, idleTimeoutMs: 60_000 },
      });
      port = web.port;
    });
    after(async () => {
      shared.destroy();
      await web.stop();
      await fx.remove();
    });

    test('GET a file: body, length, type, validators, date', async () => {
      const r = await get(port, '/hello.txt');
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'hello, world\n');
      assert.equal(r.headers['content-length'], '13');
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
      assert.match(String(r.headers.etag), /^"d-[0-9a-f]+"$/);
      assert.ok(!Number.isNaN(Date.parse(String(r.headers['last-modified']))));
      assert.ok(Math.abs(Date.parse(String(r.headers.date)) - Date.now()) < 5000);
      assert.equal(r.headers['accept-ranges'], 'bytes');
    });

    test('a second GET is served from the cache with the same answer', async () => {
      const first = await get(port, '/style.css');
      const second = await get(port, '/style.css');
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers.etag, first.headers.etag);
      assert.equal(second.headers['content-type'], 'text/css; charset=utf-8');
    });

    test('Content-Type by extension', async () => {
      assert.equal((await get(port, '/data.json')).headers['content-type'], 'application/json');
      assert.equal((await get(port, '/noext')).headers['content-type'], 'application/octet-stream');
      assert.equal((await get(port, '/')).headers['content-type'], 'text/html; charset=utf-8');
    });

    test('HEAD: the GET headers, no body', async () => {
      for (let i = 0; i < 2; i++) {
        const r = await get(port, '/hello.txt', { method: 'HEAD' });
        assert.equal(r.status, 200);
        assert.equal(r.headers['content-length'], '13');
        assert.equal(r.body.length, 0);
      }
    });

    test('an empty file', async () => {
      const r = await get(port, '/empty.txt');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], '0');
      assert.equal(r.body.length, 0);
    });

    test('directories: index.html, and a redirect to add the slash', async () => {
      assert.equal((await get(port, '/')).body.toString(), '<h1>home</h1>\n');
      const sub = await get(port, '/sub/');
      assert.equal(sub.status, 200);
      assert.equal(sub.body.toString(), '<p>sub index</p>\n');
      const redirect = await get(port, '/sub?x=1');
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, '/sub/?x=1');
      assert.equal((await get(port, '/noindex/')).status, 404);
    });

    test('percent-encoded names', async () => {
      const r = await get(port, '/space%20dir/caf%C3%A9%20%C3%BC.txt');
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), 'unicode name\n');
    });

    test('404 for what does not exist', async () => {
      const r = await get(port, '/missing.txt');
      assert.equal(r.status, 404);
      assert.equal((await get(port, '/hello.txt/')).status, 404);
    });

    test('405 with Allow for other methods', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
        const r = await get(port, '/hello.txt', { method });
        assert.equal(r.status, 405, method);
        assert.equal(r.headers.allow, 'GET, HEAD');
      }
    });

    test('conditional GET: If-None-Match and If-Modified-Since give 304', async () => {
      const first = await get(port, '/digits.txt');
      const etag = String(first.headers.etag);
      const lastModified = String(first.headers['last-modified']);
      const byTag = await get(port, '/digits.txt', { headers: { 'If-None-Match': etag } });
      assert.equal(byTag.status, 304);
      assert.equal(byTag.body.length, 0);
      assert.equal(byTag.headers.etag, etag);
      assert.equal((await get(port, '/digits.txt', { headers: { 'If-None-Match': '"other"' } })).status, 200);
      assert.equal((await get(port, '/digits.txt', { headers: { 'If-Modified-Since': lastModified } })).status, 304);
      assert.equal((await get(port, '/digits.txt', { headers: { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' } })).status, 200);
    });

    test('ranges: 206 with Content-Range, suffix and open ranges, 416, several ranges give 200', async () => {
      const r = await get(port, '/digits.txt', { headers: { Range: 'bytes=2-4' } });
      assert.equal(r.status, 206);
      assert.equal(r.body.toString(), '234');
      assert.equal(r.headers['content-range'], 'bytes 2-4/10');
      assert.equal(r.headers['content-length'], '3');
      assert.equal((await get(port, '/digits.txt', { headers: { Range: 'bytes=-3' } })).body.toString(), '789');
      assert.equal((await get(port, '/digits.txt', { headers: { Range: 'bytes=7-' } })).body.toString(), '789');
      const unsatisfiable = await get(port, '/digits.txt', { headers: { Range: 'bytes=10-' } });
      assert.equal(unsatisfiable.status, 416);
      assert.equal(unsatisfiable.headers['content-range'], 'bytes */10');
      const several = await get(port, '/digits.txt', { headers: { Range: 'bytes=0-1,4-5' } });
      assert.equal(several.status, 200);
      assert.equal(several.body.toString(), '0123456789');
      const stale = await get(port, '/digits.txt', { headers: { Range: 'bytes=0-0', 'If-Range': '"stale"' } });
      assert.equal(stale.status, 200);
    });

    test('a file larger than the cache limit is streamed whole, and in ranges', async () => {
      const r = await get(port, '/large.bin');
      assert.equal(r.status, 200);
      assert.equal(Number(r.headers['content-length']), fx.large.length);
      assert.ok(r.body.equals(fx.large));
      const start = CACHE_FILE_BYTES - 10;
      const end = CACHE_FILE_BYTES * 2 + 5;
      const part = await get(port, '/large.bin', { headers: { Range: `bytes=${start}-${end}` } });
      assert.equal(part.status, 206);
      assert.ok(part.body.equals(fx.large.subarray(start, end + 1)));
      const head = await get(port, '/large.bin', { method: 'HEAD' });
      assert.equal(head.body.length, 0);
      assert.equal(Number(head.headers['content-length']), fx.large.length);
      const etag = String(r.headers.etag);
      assert.equal((await get(port, '/large.bin', { headers: { 'If-None-Match': etag } })).status, 304);
    });

    test('a changed file is served fresh (revalidation)', async () => {
      const path = join(fx.root, 'changes.txt');
      await writeFile(path, 'first');
      assert.equal((await get(port, '/changes.txt')).body.toString(), 'first');
      assert.equal((await get(port, '/changes.txt')).body.toString(), 'first');
      await writeFile(path, 'second version');
      const later = new Date(Date.now() + 2000);
      await utimes(path, later, later);
      assert.equal((await get(port, '/changes.txt')).body.toString(), 'second version');
    });

    test('keep-alive: many requests over one connection', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const seen = new Set<unknown>();
        for (let i = 0; i < 5; i++) {
          const r = await get(port, i % 2 === 0 ? '/hello.txt' : '/missing', { agent });
          assert.equal(r.status, i % 2 === 0 ? 200 : 404);
          for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) seen.add(s);
        }
        assert.equal(seen.size, 1, 'one socket reused throughout');
      } finally {
        agent.destroy();
      }
    });

    test('symlinks: inside followed, outside refused', async () => {
      assert.equal((await get(port, '/link-inside.txt')).body.toString(), 'hello, world\n');
      for (const path of ['/link-outside.txt', '/link-outside-dir/secret.txt', '/link-outside-dir/']) {
        const r = await get(port, path);
        assert.equal(r.status, 404, path);
        assert.ok(!r.body.toString().includes('SECRET'), path);
      }
    });
  });
}
