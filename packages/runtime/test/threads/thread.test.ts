import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as mainThreadId } from 'node:worker_threads';
import { P, startTestServer, waitFor, withTimeout } from './helpers.ts';

test('thread: each session runs on a worker of its own, started on demand and ended with the session', async () => {
  const t = await startTestServer('thread', { maxThreads: 8 });
  try {
    assert.equal(t.instance.liveWorkers, 0, 'no worker before the first flow');
    const flows = [];
    for (let s = 0; s < 3; s++) for (let i = 0; i < 3; i++) flows.push(t.emit('where', s * 10 + i, s));
    const outcomes = await withTimeout(Promise.all(flows), 'session flows');
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    const threadOf = (key: number): number => t.probe[P.where + key]! - 1;
    const perSession = [0, 1, 2].map((s) => new Set([0, 1, 2].map((i) => threadOf(s * 10 + i))));
    for (const ids of perSession) assert.equal(ids.size, 1, 'one thread per session');
    const ids = perSession.map((set) => [...set][0]!);
    assert.equal(new Set(ids).size, 3, 'a different thread for each session');
    assert.ok(!ids.includes(mainThreadId));
    for (let key = 0; key < 23; key++) if (t.probe[P.whereMain + key] !== 0) assert.equal(t.probe[P.whereMain + key], 1, 'off the main thread');
    assert.equal(t.instance.liveWorkers, 3);
    for (let s = 0; s < 3; s++) t.drive.endSession(s);
    await waitFor(() => t.instance.liveWorkers === 0, 'session workers to end');
    const stats = await t.server.stats();
    assert.equal(stats.flows.ok, 9, 'the ended workers\' statistics were kept');
    assert.equal(stats.figures['workersStarted'], 3);
  } finally {
    await t.stop();
  }
});

test('thread: a flow without a session gets a short-lived worker of its own', async () => {
  const t = await startTestServer('thread', { maxThreads: 8 });
  try {
    const outcomes = await withTimeout(Promise.all([0, 1, 2].map((key) => t.loose.emit('where', key, 0))), 'loose flows');
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    const ids = new Set([0, 1, 2].map((key) => t.probe[P.where + key]));
    assert.equal(ids.size, 3);
    await waitFor(() => t.instance.liveWorkers === 0, 'per-flow workers to end');
  } finally {
    await t.stop();
  }
});

test('thread: past maxThreads a new session is refused with an overload outcome; its handler ran on the main thread', async () => {
  const t = await startTestServer('thread', { maxThreads: 2 });
  try {
    const busy = [t.emit('slow', 300, 1), t.emit('slow', 300, 2)];
    const refused = await withTimeout(t.emit('where', 3, 3), 'refused flow');
    assert.deepEqual(refused, { status: 'overload' });
    assert.equal(t.probe[P.handledOverload], 1);
    assert.equal(t.probe[P.handledOnMain], 1);
    // An existing session still gets its flows through.
    assert.equal((await withTimeout(t.emit('where', 4, 1), 'flow of a running session')).status, 'ok');
    assert.ok((await withTimeout(Promise.all(busy), 'slow flows')).every((o) => o.status === 'ok'));
    t.drive.endSession(1);
    await waitFor(() => t.instance.liveWorkers === 1, 'a thread to end');
    assert.equal((await withTimeout(t.emit('where', 5, 3), 'flow once a thread is free')).status, 'ok');
  } finally {
    await t.stop();
  }
});

test('thread: a writer lock keeps a counter exact across session threads; session locks stay per session', async () => {
  const t = await startTestServer('thread', { maxThreads: 4 });
  try {
    // Every session's worker running first, so that the sessions' flows below overlap however slowly workers start.
    await withTimeout(Promise.all([0, 1, 2, 3].map((s) => t.emit('where', 1000 + s, s))), 'session workers');
    const flows = [];
    for (let i = 0; i < 40; i++) for (let s = 0; s < 4; s++) flows.push(t.emit('bump', i * 4 + s, s), t.emit('sbump', 0, s));
    const outcomes = await withTimeout(Promise.all(flows), 'flows', 20_000);
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    assert.equal(t.probe[P.counter], 160);
    for (let s = 0; s < 4; s++) assert.equal(t.probe[P.sessionCounters + s], 40);
    assert.equal(t.probe[P.sessionViolations], 0);
    assert.ok(t.probe[P.maxSessionActive]! >= 2, 'sessions ran their session-locked nodes at the same time');
  } finally {
    await t.stop();
  }
});

test('thread: a session worker that dies takes its flows down; the session\'s next flow gets a new worker', async () => {
  const t = await startTestServer('thread', { maxThreads: 4 });
  try {
    const other = t.emit('slow', 200, 2);
    await withTimeout(t.emit('where', 0, 1), 'first flow');
    const first = t.probe[P.where + 0];
    const crash = await withTimeout(t.emit('crash', 1, 1), 'crashed flow');
    assert.equal((crash as { code?: string }).code, 'FLUX_ERR_WORKER_DIED');
    assert.equal(t.probe[P.handledDied], 1);
    assert.equal((await withTimeout(other, 'flow of another session')).status, 'ok', 'other sessions are untouched');
    assert.equal((await withTimeout(t.emit('bump', 1, 1), 'flow after the crash')).status, 'ok', 'the counter lock was released');
    assert.notEqual(t.probe[P.where + 1], first, 'on a new worker');
  } finally {
    await t.stop();
  }
});

test('thread: past maxThreads, flows without a session wait (up to queueLimit) for a thread to end', async () => {
  const t = await startTestServer('thread', { maxThreads: 2, queueLimit: 3 });
  try {
    const running = [0, 1].map((key) => t.loose.emit('slow', 150 + key, 0));
    const waiting = [2, 3, 4].map((key) => t.loose.emit('where', key, 0));
    const refused = await withTimeout(t.loose.emit('where', 5, 0), 'refused flow');
    assert.deepEqual(refused, { status: 'overload' });
    const outcomes = await withTimeout(Promise.all([...running, ...waiting]), 'flows');
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    assert.ok(t.instance.liveWorkers <= 2);
    for (const key of [2, 3, 4]) assert.notEqual(t.probe[P.where + key], 0, `flow ${key} ran`);
  } finally {
    await t.stop();
  }
});
