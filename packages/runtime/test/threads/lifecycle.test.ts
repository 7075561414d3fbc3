import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startThreadpool } from '../../src/threads/pool.ts';
import { runServer } from '../../src/cli/run-server.ts';
import { start, type FluxServer } from '../../src/start.ts';
import type { ThreadsSettings } from '../../src/threads/options.ts';
import type { ThreadpoolInstance } from '../../src/threads/pool.ts';
import type { ThreadInstance } from '../../src/threads/thread.ts';
import { kCore, kInstance } from '../../src/symbols.ts';
import { directCore, implementationUrl, P, startTestServer, threadsIr, withTimeout } from './helpers.ts';

const badSetup = new URL('./bad-setup.ts', implementationUrl);
const threadsFlux = new URL('./threads.flux', implementationUrl);

test('threadpool: with flowsPerWorker 1 a worker runs one flow at a time; the rest wait in the queue', async () => {
  const core = await directCore('threadpool');
  const pool = await startThreadpool(core, { threads: 2, flowsPerWorker: 1, queueLimit: 4 });
  try {
    const probe = new Int32Array(core.shared.get('probe', P.size * 4));
    const flows = Array.from({ length: 6 }, (_, key) => pool.dispatch(0, ['read', key, 0], 0));
    assert.equal(pool.queued, 4);
    const refused = await pool.dispatch(0, ['read', 9, 0], 0);
    assert.deepEqual(refused, { status: 'overload' });
    const outcomes = await withTimeout(Promise.all(flows), 'flows');
    assert.ok(outcomes.every((o) => o.status === 'ok'));
    assert.equal(probe[P.maxReaders], 2, 'two workers, one flow each');
  } finally {
    await pool.close();
  }
});

test('stop past its deadline ends queued and running flows with FLUX_ERR_STOPPED and terminates the workers', async () => {
  const t = await startTestServer('threadpool', { threads: 1 });
  const flows = Array.from({ length: t.instance.settings.flowsPerWorker + 5 }, (_, key) => t.emit('slow', 5000 + key));
  assert.equal(t.instance.queued, 5);
  await withTimeout(t.server.stop({ deadlineMs: 50 }), 'stop');
  const outcomes = await withTimeout(Promise.all(flows), 'flows after stop');
  for (const o of outcomes) assert.equal(o.status === 'error' && o.code, 'FLUX_ERR_STOPPED');
  assert.deepEqual(t.instance.threadIds(), []);
  const stats = await t.server.stats();
  assert.equal(stats.figures['threads'], 1, 'statistics are still there after stop');
});

test('threadpool: a setup that fails on the workers fails start with FLUX_ERR_WORKER_START_FAILED', async () => {
  await assert.rejects(
    withTimeout(start({ ir: threadsIr(), implementation: badSetup, runtime: 'threadpool', threads: 2, onError: () => {} }), 'start'),
    (e: unknown) => (e as { code?: string }).code === 'FLUX_ERR_WORKER_START_FAILED' && /setup refuses/.test((e as Error).message),
  );
});

test('thread: a setup that fails on a worker fails the flow that needed the worker, through its error path', async () => {
  const errors: { code: string }[] = [];
  const server = await start({ ir: threadsIr(), implementation: badSetup, runtime: 'thread', onError: (e) => errors.push(e) });
  try {
    const outcome = await withTimeout(Promise.resolve(server[kInstance].dispatch(1, ['where', 1, 0], undefined)), 'flow');
    assert.equal(outcome.status === 'error' && outcome.code, 'FLUX_ERR_WORKER_START_FAILED');
    assert.ok(errors.some((e) => e.code === 'FLUX_ERR_WORKER_START_FAILED'));
    const probe = new Int32Array(server[kCore].shared.get('probe', P.size * 4));
    assert.equal(probe[P.handledOther], 1, 'the target\'s handler ran');
  } finally {
    await withTimeout(server.stop({ deadlineMs: 1000 }), 'stop');
  }
});

test('start passes the threaded runtimes\' knobs through; runServer reads them from flags', async () => {
  const knobs = { flowsPerWorker: 3, maxSessions: 5, statsTimeoutMs: 700, compileCache: false };
  const server = await start({ ir: threadsIr(), implementation: implementationUrl, runtime: 'thread', maxThreads: 2, ...knobs, onError: () => {} });
  try {
    assert.deepEqual(pick(server), { maxThreads: 2, ...knobs });
  } finally {
    await withTimeout(server.stop({ deadlineMs: 1000 }), 'stop');
  }
  const argv = ['--runtime', 'threadpool', '--threads', '1', '--flows-per-worker', '3', '--max-sessions', '5', '--stats-timeout-ms', '700', '--no-compile-cache'];
  const served = await runServer({ fluxFile: threadsFlux, implementation: implementationUrl, argv, handleSignals: false });
  try {
    assert.deepEqual(pick(served), { maxThreads: 64, ...knobs });
    assert.equal(settingsOf(served).threads, 1);
  } finally {
    await withTimeout(served.stop({ deadlineMs: 1000 }), 'stop');
  }
});

function settingsOf(server: FluxServer): ThreadsSettings {
  return (server[kInstance] as ThreadpoolInstance | ThreadInstance).settings;
}

function pick(server: FluxServer): Record<string, unknown> {
  const s = settingsOf(server);
  return { maxThreads: s.maxThreads, flowsPerWorker: s.flowsPerWorker, maxSessions: s.maxSessions, statsTimeoutMs: s.statsTimeoutMs, compileCache: s.compileCache };
}

for (const runtime of ['threadpool', 'thread'] as const) {
  test(`${runtime}: a flow whose outputs cannot cross threads ends with FLUX_ERR_UNCLONEABLE; flows sent along with it do not`, async () => {
    const t = await startTestServer(runtime, { threads: 1 });
    try {
      // Dispatched together: under threadpool their outcomes come back in one batch, which must not fail whole.
      const outcomes = await withTimeout(Promise.all(['n', 'n', 'fn', 'n'].map((op, key) => t.give.emit(op, key, 0))), 'flows');
      assert.deepEqual([outcomes[0], outcomes[1], outcomes[3]], [0, 1, 3].map((key) => ({ status: 'ok', outputs: [key] })));
      const failed = outcomes[2]!;
      assert.equal(failed.status, 'error');
      assert.deepEqual(failed.status === 'error' && [failed.node, failed.code], ['Hand', 'FLUX_ERR_UNCLONEABLE']);
    } finally {
      await t.stop();
    }
  });
}
