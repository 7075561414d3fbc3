import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, withTimeout } from './helpers.ts';

test('threadpool: the profile times queue waits and thread crossings, and counts the pool\'s threads', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const n = 400;
    const outcomes = await withTimeout(Promise.all(Array.from({ length: n }, (_, key) => t.emit('bump', key))), 'bump flows', 20_000);
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    const s = await t.server.stats();
    const p = s.profile;
    assert.equal(s.version, 2);
    assert.equal(p.threads, 2);
    assert.equal(Object.values(p.sources).reduce((a, x) => a + x.emitted, 0), n, 'emissions counted once, on the main thread');
    assert.ok(p.crossingUs !== undefined && p.crossingUs.count >= 2, 'one STAMP in 64 flows per worker');
    assert.ok(p.queueWaitUs !== undefined && p.queueWaitUs.count === p.crossingUs.count);
    // A crossing is a postMessage between threads: more than nothing, less than the test's own timeout.
    assert.ok(p.crossingUs.minUs >= 0 && p.crossingUs.maxUs < 20_000_000, JSON.stringify(p.crossingUs));
    assert.ok(p.queueWaitUs.sumUs >= p.crossingUs.sumUs - 1, 'the wait includes the crossing');
    const timed = Object.values(p.nodes).reduce((a, n) => a + n.wallUs.count, 0);
    assert.ok(timed > 0, 'the workers timed node calls');
    assert.ok(p.flowUs.count > 0);
  } finally {
    await t.stop();
  }
});

test('thread: the profile times crossings to the session threads', async () => {
  const t = await startTestServer('thread', { threads: 2 });
  try {
    const outcomes = await withTimeout(Promise.all(Array.from({ length: 200 }, (_, key) => t.emit('sbump', 0, key % 4))), 'session flows', 20_000);
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    const p = (await t.server.stats()).profile;
    assert.ok(p.crossingUs !== undefined && p.crossingUs.count >= 1);
    assert.ok(p.queueWaitUs !== undefined && p.queueWaitUs.count === p.crossingUs.count);
    assert.ok(p.threads >= 1);
    const lock = Object.values(p.locks).find((l) => l.acquisitions > 0);
    assert.ok(lock !== undefined, 'the session lock was taken');
    assert.ok(lock.exclusiveAcquisitions > 0);
  } finally {
    await t.stop();
  }
});
