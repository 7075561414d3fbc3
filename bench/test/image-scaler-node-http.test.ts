import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTarget, type RunningTarget } from '../src/process/target-process.ts';
import { ensureCorpus } from '../targets/image-scaler/corpus.ts';
import { createImageCache } from '../targets/image-scaler/image-cache.ts';

const NODE_HTTP = fileURLToPath(new URL('../targets/image-scaler/node-http.ts', import.meta.url));

let dir: string;
let cached: RunningTarget;
let uncached: RunningTarget;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flux-bench-image-node-http-'));
  const corpus = await ensureCorpus(1, dir);
  const launch = (label: string, cacheBytes: string) =>
    startTarget({ label, command: process.execPath, args: [NODE_HTTP, '--images', corpus.dir, '--port', '0', '--cache-bytes', cacheBytes], readiness: { kind: 'announce' } });
  [cached, uncached] = await Promise.all([launch('node-http (cache)', String(1024 * 1024)), launch('node-http (no cache)', '0')]);
});

after(async () => {
  await Promise.allSettled([cached?.stop(), uncached?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const PATH = '/images/img-000.jpg?w=160&format=webp';

for (const { name, target } of [{ name: 'with its lru-cache', target: () => cached }, { name: 'without a cache', target: () => uncached }]) {
  test(`the image-scaler node:http baseline ${name} scales, answers concurrent and repeated requests for a key alike, refuses bad queries`, async () => {
    // Concurrent requests for one key (a miss): every one gets the same image.
    const first = await Promise.all(Array.from({ length: 4 }, () => fetch(target().url + PATH)));
    const bodies = await Promise.all(first.map(async (r) => Buffer.from(await r.arrayBuffer())));
    for (const response of first) {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/webp');
      assert.equal(response.headers.get('etag'), first[0].headers.get('etag'));
    }
    assert.ok(bodies.every((b) => b.equals(bodies[0])) && bodies[0].length > 0);
    // Again, a hit where there is a cache.
    const again = await fetch(target().url + PATH);
    assert.equal(again.headers.get('etag'), first[0].headers.get('etag'));
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(bodies[0]));
    assert.equal((await fetch(`${target().url}/images/img-000.jpg?w=-5`)).status, 400);
    assert.equal((await fetch(`${target().url}/images/nope.jpg?w=100`)).status, 404);
  });
}

test('its cache is bounded in bytes, least recently used out first, and keeps no entry over the largest', () => {
  const cache = createImageCache(1000, 600);
  const image = (n: number) => ({ bytes: new Uint8Array(n), contentType: 'image/jpeg', etag: `"${n}"` });
  cache.set('a', image(400));
  cache.set('b', image(400));
  assert.ok(cache.get('a'), 'a used again: b is now the least recent');
  cache.set('c', image(400));
  assert.equal(cache.calculatedSize, 800);
  assert.equal(cache.get('b'), undefined);
  const held = image(300);
  cache.set('d', held);
  assert.equal(cache.get('d'), held, 'a hit is the very object stored: no copy');
  cache.set('e', image(601));
  assert.equal(cache.get('e'), undefined, 'over the largest entry');
});
