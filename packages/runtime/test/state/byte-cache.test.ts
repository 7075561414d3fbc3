import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { ByteCache } from '../../src/state/byte-cache.ts';
import { StateError } from '../../src/state/errors.ts';
import { H_WRITING } from '../../src/state/byte-cache-layout.ts';
import { createLockMemory } from '../../src/shared/lock-memory.ts';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const info = (tag = '/srv/f', mtimeMs = 1000, size = 0) => ({ tag, mtimeMs, size });

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

test('stores and finds an entry with its body and source information', () => {
  const cache = ByteCache.create({ capacityBytes: 64 * 1024, blockSize: 64 });
  assert.equal(cache.find('/a.txt'), -1);
  assert.equal(cache.store('/a.txt', info('/srv/a.txt', 1234.5, 11), text('hello world')), true);
  const slot = cache.find('/a.txt');
  assert.ok(slot >= 0);
  assert.equal(str(cache.readBody(slot)), 'hello world');
  assert.deepEqual(cache.source(slot), { tag: '/srv/a.txt', mtimeMs: 1234.5, size: 11 });
  assert.equal(cache.bodyLength(slot), 11);
  assert.equal(cache.mtimeMs(slot), 1234.5);
  assert.equal(cache.size(slot), 11);
  assert.equal(cache.find('/b.txt'), -1);
  const stats = cache.stats();
  assert.equal(stats.entries, 1);
  assert.equal(stats.bodyBytes, 11);
  assert.equal(stats.hits, 1);
  assert.equal(stats.misses, 2);
  assert.deepEqual(cache.verify(), []);
});

test('bodies spanning many blocks read back whole and in any sub-range', () => {
  const cache = ByteCache.create({ capacityBytes: 64 * 1024, blockSize: 64 });
  const body = bytes(5000, 3);
  cache.store('/big', info('/srv/big', 1, 5000), body);
  const slot = cache.find('/big');
  assert.deepEqual(cache.readBody(slot), body);
  for (const [start, end] of [[0, 1], [63, 65], [100, 4999], [4999, 5000], [1000, 1000], [0, 9999]]) {
    assert.deepEqual(cache.readBody(slot, start, end), body.subarray(start, Math.min(end, 5000)), `range ${start}-${end}`);
  }
  const target = new Uint8Array(20).fill(9);
  cache.copyBody(slot, target, 5, 10, 20);
  assert.deepEqual(target.subarray(5, 15), body.subarray(10, 20));
  assert.equal(target[4], 9);
  assert.equal(target[15], 9);
});

test('keys with non-ASCII characters, long keys and an empty body', () => {
  const cache = ByteCache.create({ capacityBytes: 16 * 1024, blockSize: 32 });
  const long = '/' + 'x'.repeat(300);
  cache.store('/café/ü.txt', info('/srv/café/ü.txt'), text('é'));
  cache.store(long, info(), text('long'));
  cache.store('/empty', info(), new Uint8Array(0));
  assert.equal(str(cache.readBody(cache.find('/café/ü.txt'))), 'é');
  assert.equal(cache.source(cache.find('/café/ü.txt')).tag, '/srv/café/ü.txt');
  assert.equal(str(cache.readBody(cache.find(long))), 'long');
  assert.equal(cache.find(long.slice(0, -1) + 'y'), -1, 'same length, different last byte');
  assert.equal(cache.readBody(cache.find('/empty')).length, 0);
  assert.deepEqual(cache.verify(), []);
});

test('storing a key again replaces its entry', () => {
  const cache = ByteCache.create({ capacityBytes: 8 * 1024, blockSize: 64 });
  cache.store('/k', info('/srv/k', 1, 3), text('one'));
  cache.store('/k', info('/srv/k', 2, 5), text('two!!'));
  const slot = cache.find('/k');
  assert.equal(str(cache.readBody(slot)), 'two!!');
  assert.equal(cache.mtimeMs(slot), 2);
  assert.equal(cache.stats().entries, 1);
  assert.deepEqual(cache.verify(), []);
});

test('delete and clear drop entries', () => {
  const cache = ByteCache.create({ capacityBytes: 8 * 1024, blockSize: 64 });
  cache.store('/a', info(), text('a'));
  cache.store('/b', info(), text('b'));
  assert.equal(cache.delete('/a'), true);
  assert.equal(cache.delete('/a'), false);
  assert.equal(cache.find('/a'), -1);
  assert.ok(cache.find('/b') >= 0);
  cache.clear();
  assert.equal(cache.find('/b'), -1);
  assert.equal(cache.stats().entries, 0);
  assert.deepEqual(cache.verify(), []);
});

test('bodies over maxEntryBytes or over the whole cache are refused without changing anything', () => {
  const cache = ByteCache.create({ capacityBytes: 4096, blockSize: 256, maxEntryBytes: 1000 });
  cache.store('/keep', info(), text('keep'));
  assert.equal(cache.store('/huge', info(), bytes(1001, 1)), false);
  assert.equal(cache.find('/huge'), -1);
  assert.ok(cache.find('/keep') >= 0);
  assert.equal(cache.stats().rejected, 1);
  const tight = ByteCache.create({ capacityBytes: 1024, blockSize: 256, maxEntryBytes: 4096 });
  assert.equal(tight.store('/x', info(), bytes(1024, 1)), false, 'key bytes push it over the capacity');
  assert.deepEqual(tight.verify(), []);
});

test('the cache stays within its capacity, evicting unreferenced entries first (CLOCK)', () => {
  // 16 blocks of 128 bytes; each entry takes 2 blocks (key + tag + 200 body bytes).
  const cache = ByteCache.create({ capacityBytes: 2048, blockSize: 128, maxEntries: 64 });
  for (let i = 0; i < 8; i++) assert.equal(cache.store(`/f${i}`, info('t'), bytes(200, i)), true);
  assert.equal(cache.stats().freeBlocks, 0);
  // Touch /f0 and /f1: they survive the next evictions.
  cache.find('/f0');
  cache.find('/f1');
  cache.store('/new1', info('t'), bytes(200, 100));
  cache.store('/new2', info('t'), bytes(200, 101));
  assert.ok(cache.find('/f0') >= 0, 'referenced entry kept');
  assert.ok(cache.find('/f1') >= 0, 'referenced entry kept');
  assert.ok(cache.find('/new1') >= 0);
  assert.ok(cache.find('/new2') >= 0);
  const stats = cache.stats();
  assert.equal(stats.evictions, 2);
  assert.equal(stats.entries, 8);
  assert.ok(stats.bodyBytes <= 2048);
  assert.deepEqual(cache.verify(), []);
  for (let i = 0; i < 8; i++) {
    const slot = cache.find(`/f${i}`);
    if (slot >= 0) assert.deepEqual(cache.readBody(slot), bytes(200, i), `entry /f${i} intact`);
  }
});

test('running out of entry slots evicts too', () => {
  const cache = ByteCache.create({ capacityBytes: 64 * 1024, blockSize: 64, maxEntries: 4 });
  for (let i = 0; i < 10; i++) cache.store(`/s${i}`, info(), text(`v${i}`));
  assert.equal(cache.stats().entries, 4);
  assert.equal(str(cache.readBody(cache.find('/s9'))), 'v9');
  assert.deepEqual(cache.verify(), []);
});

test('a random mix of operations matches a simple model and keeps every invariant', () => {
  const cache = ByteCache.create({ capacityBytes: 6000, blockSize: 100, maxEntries: 24, maxEntryBytes: 3000 });
  const model = new Map<string, Uint8Array>();
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let step = 0; step < 3000; step++) {
    const key = `/k${Math.floor(random() * 40)}`;
    const action = random();
    if (action < 0.5) {
      const body = bytes(Math.floor(random() * 1200), step);
      if (cache.store(key, info(key, step, body.length), body)) model.set(key, body);
      else model.delete(key);
    } else if (action < 0.6) {
      cache.delete(key);
      model.delete(key);
    } else {
      const slot = cache.find(key);
      if (slot >= 0) {
        assert.ok(model.has(key), `${key} found but never stored or since deleted`);
        assert.deepEqual(cache.readBody(slot), model.get(key), `${key} body at step ${step}`);
      }
    }
    if (step % 250 === 0) assert.deepEqual(cache.verify(), [], `invariants at step ${step}`);
  }
  // Evicted entries may be gone; whatever is present must be current.
  for (const [key, body] of model) {
    const slot = cache.find(key);
    if (slot >= 0) assert.deepEqual(cache.readBody(slot), body);
  }
  assert.ok(cache.stats().bodyBytes <= 6000);
  assert.deepEqual(cache.verify(), []);
});

test('checkedAt starts at store time and markChecked moves it', () => {
  const cache = ByteCache.create({ capacityBytes: 4096 });
  const before = Date.now();
  cache.store('/c', info(), text('c'));
  const slot = cache.find('/c');
  assert.ok(cache.checkedAt(slot) >= before - 1 && cache.checkedAt(slot) <= Date.now());
  cache.markChecked(slot, 5_000_000_000_123);
  assert.equal(cache.checkedAt(slot), 5_000_000_000_123);
});

test('a writer interrupted half way leaves an empty cache, never a corrupt one', () => {
  const cache = ByteCache.create({ capacityBytes: 4096, blockSize: 64 });
  cache.store('/a', info(), text('a'));
  // Simulate a writer that died mid-change: the writing flag is still up.
  const header = new Int32Array(cache.buffer, 0, 32);
  Atomics.store(header, H_WRITING, 1);
  assert.equal(cache.find('/a'), -1, 'readers see nothing while the flag is up');
  cache.store('/b', info(), text('b'));
  assert.equal(cache.find('/a'), -1, 'the next writer reset the cache');
  assert.equal(str(cache.readBody(cache.find('/b'))), 'b');
  assert.equal(cache.stats().resets, 1);
  assert.deepEqual(cache.verify(), []);

  // A store that throws part way (here: a body whose bytes cannot be read) resets too.
  const body = text('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
  const poisoned = new Proxy(body, {
    get(target, property) {
      if (property === 'subarray') throw new Error('boom');
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  assert.throws(() => cache.store('/c', info(), poisoned), /boom/);
  assert.equal(cache.find('/b'), -1);
  assert.equal(cache.find('/c'), -1);
  assert.deepEqual(cache.verify(), []);
  assert.equal(cache.store('/d', info(), text('d')), true);
  assert.equal(str(cache.readBody(cache.find('/d'))), 'd');
});

test('a slot that holds no entry is an error with a stable code', () => {
  const cache = ByteCache.create({ capacityBytes: 4096 });
  assert.throws(() => cache.readBody(0), (e: unknown) => e instanceof StateError && e.code === 'FLUX_ERR_STATE_BAD_SLOT');
  assert.throws(() => cache.source(-1), StateError);
});

test('bad options and mismatched buffers are refused', () => {
  assert.throws(() => ByteCache.create({ capacityBytes: 0 }), (e: unknown) => e instanceof StateError && e.code === 'FLUX_ERR_STATE_BAD_OPTIONS');
  assert.throws(() => ByteCache.create({ capacityBytes: 1024, blockSize: 1.5 }), StateError);
  const small = new SharedArrayBuffer(64);
  assert.throws(() => new ByteCache(small, { capacityBytes: 4096 }), (e: unknown) => e instanceof StateError && e.code === 'FLUX_ERR_STATE_BAD_BUFFER');
  const cache = ByteCache.create({ capacityBytes: 4096, blockSize: 64 });
  assert.throws(() => new ByteCache(cache.buffer, { capacityBytes: 4096, blockSize: 128 }), /different structure or layout/);
});

test('a second view of the same memory is the same cache', () => {
  const options = { capacityBytes: 4096, blockSize: 64 };
  const a = ByteCache.create(options);
  const b = new ByteCache(a.buffer, options);
  a.store('/shared', info(), text('one cache'));
  assert.equal(str(b.readBody(b.find('/shared'))), 'one cache');
});

test('a worker thread sees and updates the same cache', async () => {
  const options = { capacityBytes: 8192, blockSize: 64 };
  const cache = ByteCache.create(options);
  cache.store('/from-main', info(), text('hello worker'));
  const worker = new Worker(new URL('./fixtures/cache-worker.ts', import.meta.url), {
    workerData: { buffer: cache.buffer, options, readKey: '/from-main', writeKey: '/from-worker' },
  });
  // Listen for both at once: a worker that posts and exits can emit the two events in the same tick.
  const exited = once(worker, 'exit');
  const [message] = await once(worker, 'message');
  await exited;
  assert.equal(message.body, 'hello worker');
  const slot = cache.find('/from-worker');
  assert.equal(str(cache.readBody(slot)), 'abc');
  assert.equal(cache.source(slot).tag, 'from worker');
  assert.deepEqual(cache.verify(), []);
});

test('several threads under the shared reader/writer lock keep one consistent cache', async () => {
  // Small enough that stores keep evicting: every code path runs while others read.
  const options = { capacityBytes: 32 * 1024, blockSize: 256, maxEntries: 40 };
  const cache = ByteCache.create(options);
  const threads = 3;
  const memory = createLockMemory({ programLocks: 1, sessionLocks: 0, maxSessions: 0, rows: threads });
  const workers = Array.from({ length: threads }, (_, row) => new Worker(new URL('./fixtures/cache-stress-worker.ts', import.meta.url), {
    workerData: { buffer: cache.buffer, options, memory, row, seed: 1000 + row, operations: 3000 },
  }));
  const results = await Promise.all(workers.map(async (worker) => {
    const exited = once(worker, 'exit');
    const [message] = await once(worker, 'message');
    await exited;
    return message as { hits: number; problems: string[] };
  }));
  for (const r of results) assert.deepEqual(r.problems, []);
  assert.ok(results.some((r) => r.hits > 0), 'lookups found entries');
  const stats = cache.stats();
  assert.ok(stats.evictions > 0, 'the cache was full and evicted');
  assert.equal(stats.resets, 0);
  assert.deepEqual(cache.verify(), []);
});
