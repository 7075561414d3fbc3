/** End-to-end: the server under every runtime this checkout has, answering real HTTP. */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { availableRuntimes, get, imageDirectory, startTestServer, stats } from './helpers.ts';
import type { RunningScaler } from '../src/server.ts';

const images = await imageDirectory();
// A symlink to itself: opening it fails with ELOOP, an error no node expects, so ReadImage throws it (500).
await symlink('loop.jpg', join(images.dir, 'loop.jpg'));
after(() => images.remove());

for (const runtime of await availableRuntimes()) {
  describe(`image-scaler under ${runtime}`, () => {
    let server: RunningScaler;
    // Keep-alive, as real clients do (and under `thread` a connection keeps its worker).
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const fetch = (path: string, init: Parameters<typeof get>[2] = {}) => get(server.url, path, { agent, ...init });
    before(async () => {
      server = await startTestServer(runtime, images.dir);
    });
    after(async () => {
      agent.destroy();
      await server.stop();
    });

    test('scales to the size and format asked for, with Content-Type, ETag and Cache-Control', async () => {
      const cases = [
        { path: '/images/landscape.jpg?w=200&h=100&fit=cover&format=webp&q=70', size: [200, 100], format: 'webp', type: 'image/webp' },
        { path: '/images/landscape.jpg?w=200&h=200&fit=inside&format=png', size: [200, 150], format: 'png', type: 'image/png' },
        { path: '/images/portrait.png?w=120&h=120&fit=contain&format=jpeg', size: [120, 120], format: 'jpeg', type: 'image/jpeg' },
        { path: '/images/photo.webp?h=60&format=avif&q=40', size: [80, 60], format: 'heif', type: 'image/avif' },
        { path: '/images/small.avif?w=64', size: [64, 64], format: 'jpeg', type: 'image/jpeg' },
      ];
      for (const c of cases) {
        const reply = await fetch(c.path);
        assert.equal(reply.status, 200, c.path);
        assert.equal(reply.headers['content-type'], c.type);
        assert.match(String(reply.headers['etag']), /^"[A-Za-z0-9_-]+"$/);
        assert.match(String(reply.headers['cache-control']), /max-age=/);
        const meta = await sharp(reply.body).metadata();
        assert.equal(meta.format, c.format, c.path);
        assert.deepEqual([meta.width, meta.height], c.size, c.path);
      }
    });

    test('a second request is a hit with the same bytes; If-None-Match gives 304; HEAD gives no body', async () => {
      const path = '/images/photo.webp?w=77&format=jpeg';
      const before = await stats(server.url, agent);
      const first = await fetch(path);
      const second = await fetch(path);
      const after = await stats(server.url, agent);
      assert.equal(after['misses']! - before['misses']!, 1);
      assert.equal(after['hits']! - before['hits']!, 1);
      assert.equal(after['scaled']! - before['scaled']!, 1);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers['etag'], first.headers['etag']);
      const notModified = await fetch(path, { headers: { 'If-None-Match': String(first.headers['etag']) } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.body.length, 0);
      const head = await fetch(path, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(first.body.length));
      assert.equal(head.body.length, 0);
    });

    test('concurrent misses for one key compute it once', async () => {
      const path = '/images/large.jpg?w=1200&format=avif&q=60';
      // Six open connections first (under `thread` each starts its worker), so the six requests arrive together.
      await Promise.all(Array.from({ length: 6 }, () => fetch('/stats')));
      const before = await stats(server.url, agent);
      const replies = await Promise.all(Array.from({ length: 6 }, () => fetch(path)));
      const after = await stats(server.url, agent);
      for (const reply of replies) {
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.body, replies[0]!.body);
      }
      assert.equal(after['scaled']! - before['scaled']!, 1, 'scaled once');
      // The six arrive together and this AVIF encode takes tens of milliseconds: several find the key in flight.
      assert.ok(after['misses']! - before['misses']! >= 2, JSON.stringify({ before, after }));
      const served = (after['hits']! - before['hits']!) + (after['misses']! - before['misses']!);
      assert.equal(served, 6);
      // Every miss except the one that computed waited for it.
      assert.equal(after['coalesced']! - before['coalesced']!, after['misses']! - before['misses']! - 1);
    });

    test('concurrent requests for a source that fails all get its error, and nothing stays in flight', async () => {
      const replies = await Promise.all(Array.from({ length: 5 }, () => fetch('/images/corrupt.jpg?w=31&format=webp')));
      assert.deepEqual(replies.map((r) => r.status), [422, 422, 422, 422, 422]);
      assert.equal((await stats(server.url, agent))['inflight'], 0);
    });

    test('one cache for all threads: a result stored by one connection is a hit on every other', async () => {
      const path = '/images/portrait.png?w=90&format=webp';
      await fetch(path);
      const before = await stats(server.url, agent);
      // Fresh connections: under `thread` each runs on a worker of its own, under `threadpool` on any worker.
      const replies = await Promise.all(Array.from({ length: 4 }, () => get(server.url, path)));
      const after = await stats(server.url, agent);
      assert.ok(replies.every((r) => r.status === 200));
      assert.equal(after['hits']! - before['hits']!, 4);
      assert.equal(after['scaled']! - before['scaled']!, 0);
    });

    test('bad requests get the right status and the server keeps serving', async () => {
      const expect: [string, number, string?][] = [
        ['/images/missing.jpg?w=10', 404],
        ['/nothing-here', 404],
        ['/images/landscape.jpg', 400],
        ['/images/landscape.jpg?w=0', 400],
        ['/images/landscape.jpg?w=5000', 400],
        ['/images/landscape.jpg?h=10&q=0', 400],
        ['/images/landscape.jpg?w=10&fit=stretch', 400],
        ['/images/landscape.jpg?w=10&format=bmp', 400],
        ['/images/..%2Fetc?w=10', 400],
        ['/images/not-an-image.jpg?w=10', 415],
        ['/images/vector.svg?w=10', 415],
        ['/images/corrupt.jpg?w=10', 422],
        ['/images/truncated.jpg?w=10', 422],
        ['/images/bomb.png?w=10', 422, 'SCALER_ERR_IMAGE_TOO_LARGE'],
        ['/images/loop.jpg?w=10', 500, 'SCALER_ERR_INTERNAL'],
      ];
      const results = await Promise.all(expect.map(([path]) => fetch(path)));
      results.forEach((reply, i) => {
        const [path, status, code] = expect[i]!;
        assert.equal(reply.status, status, path);
        const body = JSON.parse(reply.body.toString()) as { error: string };
        if (code !== undefined) assert.equal(body.error, code);
      });
      const post = await fetch('/images/landscape.jpg?w=10', { method: 'DELETE' });
      assert.equal(post.status, 405);
      const still = await fetch('/images/landscape.jpg?w=10');
      assert.equal(still.status, 200);
    });
  });
}

describe('a cache bounded in bytes', () => {
  let server: RunningScaler;
  before(async () => {
    // 64 KiB: room for a handful of small results.
    server = await startTestServer('event', images.dir, { cacheBytes: 64 * 1024, maxEntryBytes: 32 * 1024 });
  });
  after(() => server.stop());

  test('evicts to stay within its capacity and counts it', async () => {
    const widths = Array.from({ length: 24 }, (_, i) => 150 + i * 7);
    for (const w of widths) assert.equal((await get(server.url, `/images/photo.webp?w=${w}&format=webp`)).status, 200);
    const filled = await stats(server.url);
    assert.equal(filled['misses'], widths.length);
    assert.ok(filled['evictions']! > 0, JSON.stringify(filled));
    assert.ok(filled['bytes']! <= filled['capacityBytes']!);
    assert.equal(filled['rejected'], 0);
    assert.equal(filled['entries'], widths.length - filled['evictions']!);
    // The latest result is still cached; the first one was evicted long ago.
    await get(server.url, `/images/photo.webp?w=${widths.at(-1)}&format=webp`);
    await get(server.url, `/images/photo.webp?w=${widths[0]}&format=webp`);
    const after = await stats(server.url);
    assert.equal(after['hits']! - filled['hits']!, 1);
    assert.equal(after['misses']! - filled['misses']!, 1);
  });

  test('a result larger than an entry may be is answered but not kept', async () => {
    const before = await stats(server.url);
    const reply = await get(server.url, '/images/large.jpg?w=1000&format=png');
    assert.equal(reply.status, 200);
    assert.ok(reply.body.length > 32 * 1024);
    const after = await stats(server.url);
    assert.equal(after['rejected']! - before['rejected']!, 1);
  });
});

describe('stopping', () => {
  for (const runtime of ['event', 'threadpool', 'workers'] as const) {
    test(`under ${runtime}, a response in progress is still written when the server stops`, async () => {
      const server = await startTestServer(runtime, images.dir);
      const agent = new Agent({ keepAlive: true });
      try {
        await get(server.url, '/stats', { agent }); // an idle keep-alive connection, ended at once by the stop
        const slow = get(server.url, '/images/large.jpg?w=1100&format=avif&q=55', { agent });
        await new Promise((resolve) => setTimeout(resolve, 30));
        const stopped = server.stop();
        const reply = await slow;
        assert.equal(reply.status, 200);
        assert.equal((await sharp(reply.body).metadata()).width, 1100);
        await stopped;
      } finally {
        agent.destroy();
      }
    });
  }
});
