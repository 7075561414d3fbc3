import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as mainThreadId } from 'node:worker_threads';
import type { FlowOutcome } from '../../src/api.ts';
import type { ThreadsOptions } from '../../src/threads/options.ts';
import { startThread } from '../../src/threads/thread.ts';
import { directCore, implementationUrl, P, startTestServer, waitFor, withTimeout } from './helpers.ts';

test('thread: sessions running at once run on workers of their own, started on demand; idle workers end', async () => {
  const t = await startTestServer('thread', { maxThreads: 8, threads: 8 });
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
    await waitFor(() => t.instance.liveWorkers === 0, 'idle workers to end');
    const stats = await t.server.stats();
    assert.equal(stats.flows.ok, 9, 'the ended workers\' statistics were kept');
    assert.equal(stats.figures['workersStarted'], 3);
  } finally {
    await t.stop();
  }
});

test('thread: a flow without a session has a worker to itself while it runs', async () => {
  const t = await startTestServer('thread', { maxThreads: 8, threads: 8 });
  try {
    const outcomes = await withTimeout(Promise.all([0, 1, 2].map((key) => t.loose.emit('where', key, 0))), 'loose flows');
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    const ids = new Set([0, 1, 2].map((key) => t.probe[P.where + key]));
    assert.equal(ids.size, 3);
    await waitFor(() => t.instance.liveWorkers === 0, 'idle workers to end');
  } finally {
    await t.stop();
  }
});

test('thread: past maxThreads a new session waits for a worker instead of being refused, and gets one that ran another session', async () => {
  const t = await startTestServer('thread', { maxThreads: 2, threads: 2 });
  try {
    await withTimeout(Promise.all([t.emit('where', 1, 1), t.emit('where', 2, 2)]), 'first flows');
    const busy = [t.emit('slow', 300, 1), t.emit('slow', 300, 2)];
    const waiting = t.emit('where', 3, 3);
    await waitFor(() => t.instance.waitingOwners === 1, 'the new session to wait');
    assert.equal((await withTimeout(waiting, 'the waiting flow')).status, 'ok');
    assert.ok([t.probe[P.where + 1], t.probe[P.where + 2]].includes(t.probe[P.where + 3]), 'on a worker of a session before it');
    assert.ok((await withTimeout(Promise.all(busy), 'slow flows')).every((o) => o.status === 'ok'));
    assert.equal(t.probe[P.handledOverload], 0, 'nothing refused');
    const stats = await t.server.stats();
    assert.equal(stats.figures['workersStarted'], 2);
    assert.equal(stats.flows.overload, 0);
  } finally {
    await t.stop();
  }
});

test('thread: an idle session keeps no worker another session needs; a session that ended hands its worker on', async () => {
  const t = await startTestServer('thread', { maxThreads: 1, threads: 1 });
  try {
    assert.equal((await withTimeout(t.emit('where', 1, 1), 'session 1')).status, 'ok');
    // Session 1 stays open, with no flow running: session 2 takes its worker at once.
    assert.equal((await withTimeout(t.emit('where', 2, 2), 'session 2')).status, 'ok');
    assert.equal((await withTimeout(t.emit('where', 3, 1), 'session 1 again')).status, 'ok');
    t.drive.endSession(1);
    assert.equal((await withTimeout(t.emit('where', 4, 4), 'session 4')).status, 'ok');
    const ids = new Set([1, 2, 3, 4].map((key) => t.probe[P.where + key]));
    assert.equal(ids.size, 1, 'one worker served all four, one session at a time');
    const stats = await t.server.stats();
    assert.equal(stats.figures['workersStarted'], 1);
    assert.equal(stats.figures['threadsReused'], 3);
  } finally {
    await t.stop();
  }
});

test('thread: a worker runs one session\'s flows at a time; session locks stay per session as the worker moves', async () => {
  const t = await startTestServer('thread', { maxThreads: 1, threads: 1 });
  try {
    const flows = [];
    for (let i = 0; i < 5; i++) for (let s = 0; s < 4; s++) flows.push(t.emit('sbump', 0, s));
    const outcomes = await withTimeout(Promise.all(flows), 'flows', 20_000);
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    for (let s = 0; s < 4; s++) assert.equal(t.probe[P.sessionCounters + s], 5);
    assert.equal(t.probe[P.sessionViolations], 0);
    assert.equal(t.probe[P.maxSessionActive], 1, 'never two sessions\' nodes at once on the one thread');
  } finally {
    await t.stop();
  }
});

test('thread: a writer lock keeps a counter exact across session threads; session locks stay per session', async () => {
  const t = await startTestServer('thread', { maxThreads: 4, threads: 4 });
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

/** `startThread` with the options `start` does not pass (timings, the CPU gate), over the threads test program. */
async function direct(options: ThreadsOptions, implementation?: URL) {
  const core = await directCore('thread', implementation);
  const instance = await startThread(core, options);
  const probe = new Int32Array(core.shared.get('probe', P.size * 4));
  const emit = (op: string, key: number, sess: number): Promise<FlowOutcome> => Promise.resolve(instance.dispatch(0, [op, key, sess], sess));
  const loose = (op: string, key: number): Promise<FlowOutcome> => Promise.resolve(instance.dispatch(1, [op, key, 0], undefined));
  return { instance, probe, emit, loose, close: () => withTimeout(instance.close(), 'close') };
}

test('thread: a flow that finds the wait queue full is refused at once; one that waited threadWaitMs is refused then', async () => {
  const t = await direct({ maxThreads: 1, threads: 1, queueLimit: 2, threadWaitMs: 200 });
  try {
    const holder = t.emit('slow', 30_000, 1); // holds the only worker until close
    const waiting = [t.emit('where', 2, 2), t.emit('where', 3, 3)];
    assert.equal(t.instance.waitingOwners, 2);
    assert.deepEqual(await withTimeout(t.emit('where', 4, 4), 'refused flow'), { status: 'overload' });
    assert.equal(t.probe[P.handledOverload], 1, 'its handler ran');
    // The two waiting flows wait their threadWaitMs, then take the overload path too.
    for (const outcome of await withTimeout(Promise.all(waiting), 'waiting flows')) assert.deepEqual(outcome, { status: 'overload' });
    assert.equal(t.probe[P.handledOverload], 3);
    assert.equal(t.probe[P.handledOnMain], 3, 'on the main thread');
    assert.equal(t.probe[P.where + 2], 0, 'the refused flows never ran');
    const stats = await t.instance.stats();
    assert.equal(stats.figures['waitTimeouts'], 2);
    assert.equal(stats.figures['overloads'], 3);
    await t.close();
    assert.equal((await withTimeout(holder, 'holder')).status, 'error', 'the holder was stopped');
  } finally {
    await t.close();
  }
});

test('thread: past `threads`, a worker starts for a waiting session only once it waited threadStartAfterMs and the CPUs have room', async () => {
  let room = false;
  let asked = 0;
  const cpuHasRoom = (): boolean => {
    asked++;
    return room;
  };
  const t = await direct({ maxThreads: 4, threads: 1, threadStartAfterMs: 20, cpuHasRoom });
  try {
    const holder = t.emit('slow', 30_000, 1);
    const waiting = t.emit('where', 2, 2);
    // Asked twice and told no: the session still waits, with one worker alive.
    await waitFor(() => asked >= 2, 'the runtime to look at the CPUs');
    assert.equal(t.instance.waitingOwners, 1);
    assert.equal(t.instance.liveWorkers, 1);
    room = true;
    assert.equal((await withTimeout(waiting, 'waiting flow')).status, 'ok');
    assert.equal(t.instance.liveWorkers, 2, 'a second worker started for it');
    await t.close();
    await withTimeout(holder, 'holder');
  } finally {
    await t.close();
  }
});

test('thread: a worker that ran no flow for threadIdleMs ends, even one an open session keeps; the session gets another', async () => {
  const t = await direct({ maxThreads: 2, threadIdleMs: 50 });
  try {
    assert.equal((await withTimeout(t.emit('where', 1, 1), 'first flow')).status, 'ok');
    await waitFor(() => t.instance.liveWorkers === 0, 'the idle worker to end');
    assert.equal((await withTimeout(t.emit('where', 2, 1), 'next flow')).status, 'ok');
    assert.notEqual(t.probe[P.where + 2], t.probe[P.where + 1], 'on a new worker');
    const stats = await t.instance.stats();
    assert.equal(stats.figures['workersStarted'], 2);
    assert.equal(stats.flows.ok, 2, 'the ended worker\'s statistics were kept');
  } finally {
    await t.close();
  }
});

test('thread: a worker started for the queue that fails to start fails the flows at the head of the queue, once', async () => {
  const t = await direct({ maxThreads: 4, threads: 1, threadStartAfterMs: 0 }, new URL('./bad-setup.ts', implementationUrl));
  try {
    // The first flow's worker fails; so does the one then started for the second, which waited in the queue.
    const outcomes = await withTimeout(Promise.all([t.loose('where', 1), t.loose('where', 2)]), 'flows');
    for (const o of outcomes) assert.equal(o.status === 'error' && o.code, 'FLUX_ERR_WORKER_START_FAILED');
    assert.equal(t.instance.waitingOwners, 0);
    const stats = await t.instance.stats();
    assert.equal(stats.figures['workersStarted'], 2, 'no worker started in a loop');
  } finally {
    await t.close();
  }
});
