import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as mainThreadId } from 'node:worker_threads';
import { P, startTestServer, waitFor, withTimeout } from './helpers.ts';

test('threadpool: node code runs on the pool\'s worker threads, never on the main thread', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const ids: number[] = t.instance.threadIds();
    assert.equal(ids.length, 2);
    const outcomes = await withTimeout(Promise.all(Array.from({ length: 40 }, (_, key) => t.emit('where', key))), 'flows');
    for (const o of outcomes) assert.equal(o.status, 'ok');
    for (let key = 0; key < 40; key++) {
      assert.equal(t.probe[P.whereMain + key], 1, `flow ${key} ran off the main thread`);
      const tid = t.probe[P.where + key]! - 1;
      assert.notEqual(tid, mainThreadId);
      assert.ok(ids.includes(tid), `flow ${key} ran on thread ${tid}, not one of the pool's ${ids}`);
    }
  } finally {
    await t.stop();
  }
});

test('threadpool: a writer lock keeps a counter exact under many concurrent flows across threads', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const n = 300;
    const outcomes = await withTimeout(Promise.all(Array.from({ length: n }, (_, key) => t.emit('bump', key))), 'bump flows', 20_000);
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    assert.equal(t.probe[P.counter], n);
    const threads = new Set(Array.from({ length: n }, (_, key) => t.probe[P.where + key]));
    assert.equal(threads.size, 2, 'both workers ran bump flows');
    assert.equal(t.instance.base.view.words[0], 0, 'the counter lock is free at the end');
  } finally {
    await t.stop();
  }
});

test('threadpool: readers overlap, writers exclude readers and each other', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const flows: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) flows.push(t.emit(i % 3 === 2 ? 'write' : 'read', i));
    const outcomes = (await withTimeout(Promise.all(flows), 'read/write flows', 20_000)) as { status: string }[];
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    assert.equal(t.probe[P.violations], 0, 'no reader overlapped a writer, no two writers overlapped');
    assert.ok(t.probe[P.maxReaders]! >= 2, `readers overlapped (max ${t.probe[P.maxReaders]})`);
  } finally {
    await t.stop();
  }
});

test('threadpool: session locks are per session, and a session\'s slot is freed when it ends', async () => {
  const t = await startTestServer('threadpool', { threads: 2 });
  try {
    const sessions = 4;
    const perSession = 8;
    const flows: Promise<{ status: string }>[] = [];
    for (let i = 0; i < perSession; i++) for (let s = 0; s < sessions; s++) flows.push(t.emit('sbump', 0, s));
    const table = t.instance.base.sessionTable;
    assert.equal(table.inUse, sessions);
    for (let s = 0; s < sessions; s++) t.drive.endSession(s); // flows still running: slots go when they end
    assert.equal(table.inUse, sessions);
    const outcomes = await withTimeout(Promise.all(flows), 'session flows', 20_000);
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    for (let s = 0; s < sessions; s++) assert.equal(t.probe[P.sessionCounters + s], perSession, `session ${s}`);
    assert.equal(t.probe[P.sessionViolations], 0, 'flows of one session never overlapped under its lock');
    assert.ok(t.probe[P.maxSessionActive]! >= 2, 'flows of different sessions overlapped');
    assert.equal(table.inUse, 0, 'every session slot was freed');
  } finally {
    await t.stop();
  }
});

test('threadpool: past the queue limit a flow is refused: overload outcome, the handler ran on the main thread', async () => {
  const t = await startTestServer('threadpool', { threads: 1, queueLimit: 2 });
  try {
    const capacity = t.instance.settings.flowsPerWorker + 2;
    const admitted = Array.from({ length: capacity }, (_, key) => t.emit('slow', 300 + key));
    assert.equal(t.instance.queued, 2);
    const refused = await withTimeout(Promise.all([t.emit('slow', 1), t.emit('where', 5)]), 'refused flows');
    assert.deepEqual(refused, [{ status: 'overload' }, { status: 'overload' }]);
    assert.equal(t.probe[P.handledOverload], 2);
    assert.equal(t.probe[P.handledOnMain], 2);
    const outcomes = await withTimeout(Promise.all(admitted), 'admitted flows', 10_000);
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    const stats = await t.server.stats();
    assert.equal(stats.flows.overload, 2);
    assert.equal(stats.flows.ok, capacity);
  } finally {
    await t.stop();
  }
});

for (const [how, key] of [['process.exit', 1], ['an uncaught error in a timer', 2]] as const) {
  test(`threadpool: a worker that dies (${how}) takes only its flows down, releases its locks, and is replaced`, async () => {
    const t = await startTestServer('threadpool', { threads: 2 });
    try {
      const before: number[] = t.instance.threadIds();
      // Slow flows keep both workers busy; the crash lands on one of them, holding the `counter` lock.
      const slow = Array.from({ length: 6 }, (_, i) => t.emit('slow', 200 + i));
      const crash = await withTimeout(t.emit('crash', key), 'crashed flow');
      assert.equal(crash.status, 'error');
      assert.equal((crash as { code: string }).code, 'FLUX_ERR_WORKER_DIED');
      assert.equal((crash as { node: string }).node, 'Flow');
      const slowOutcomes = await withTimeout(Promise.all(slow), 'slow flows');
      const died = slowOutcomes.filter((o) => o.status === 'error');
      assert.ok(died.length < slow.length, 'flows on the other worker survived');
      for (const o of died) assert.equal((o as { code: string }).code, 'FLUX_ERR_WORKER_DIED');
      assert.equal(t.probe[P.handledDied], 1 + died.length, 'the handler ran for every flow the worker took down');
      assert.ok(t.errors.some((e) => e.code === 'FLUX_ERR_WORKER_DIED'), 'the death was reported');
      // The counter lock the dead worker held is free again: bump flows complete.
      const bumps = await withTimeout(Promise.all(Array.from({ length: 20 }, (_, i) => t.emit('bump', i))), 'flows after the crash');
      assert.ok(bumps.every((o) => o.status === 'ok'));
      assert.equal(t.probe[P.counter], 20);
      await waitFor(() => t.instance.threadIds().length === 2, 'the replacement worker');
      const after: number[] = t.instance.threadIds();
      assert.equal(after.filter((id) => !before.includes(id)).length, 1, 'by a new thread');
    } finally {
      await t.stop();
    }
  });
}
