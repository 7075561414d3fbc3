/**
 * What threads cost: a thread crossing, an uncontended shared-memory lock, one flow through `threadpool` and
 * through `thread` (including the worker start), and how many flows a pool worker should run at once.
 * Not a test. Run on a quiet machine: node bench/threads.bench.ts [section...]
 * Sections: crossing, lock, pool, thread, start, fpw (default: all). Each line is the median of several runs.
 */

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { FlowOutcome } from '../src/api.ts';
import type { RuntimeInstance } from '../src/core/core.ts';
import { createLockMemory, LockMemoryView } from '../src/shared/lock-memory.ts';
import { RwLockTable } from '../src/shared/rwlock.ts';
import { mapLocks, SharedLockManager } from '../src/threads/lock-manager.ts';
import { startThreadpool, type ThreadpoolInstance } from '../src/threads/pool.ts';
import { startThread, type ThreadInstance } from '../src/threads/thread.ts';
import type { ThreadsOptions } from '../src/threads/options.ts';
import { measure } from './common.ts';
import { benchCore, DRIVE, LOOSE } from './threads-fixture/core.ts';

const sections = new Set(process.argv.slice(2));
const want = (name: string): boolean => sections.size === 0 || sections.has(name);
const line = (text: string): void => void process.stdout.write(`${text}\n`);

async function outcome(result: FlowOutcome | Promise<FlowOutcome>): Promise<FlowOutcome> {
  const o = await result;
  if (o.status !== 'ok') throw new Error(`flow did not end ok: ${JSON.stringify(o)}`);
  return o;
}

if (want('crossing')) {
  line('\n# thread crossing (raw worker_threads, no runtime)');
  const echo = new Worker(new URL('./threads-fixture/echo-worker.ts', import.meta.url));
  await once(echo, 'online');
  const roundTrip = (message: unknown): Promise<unknown> => {
    const reply = once(echo, 'message');
    echo.postMessage(message);
    return reply;
  };
  await measure('postMessage round trip main -> worker -> main (small object)', async (ops) => {
    for (let i = 0; i < ops; i++) await roundTrip({ t: 'run', id: i, source: 0, outputs: ['x', i, 0], session: -1 });
  }, { ops: 2000, runs: 9, warmup: 2 });
  await measure('postMessage, 100 in flight (per message, round trip)', async (ops) => {
    let received = 0;
    await new Promise<void>((resolve) => {
      const onMessage = (): void => {
        if (++received === ops) {
          echo.off('message', onMessage);
          resolve();
        } else if (received + 99 < ops) echo.postMessage({ i: received });
      };
      echo.on('message', onMessage);
      for (let i = 0; i < Math.min(100, ops); i++) echo.postMessage({ i });
    });
  }, { ops: 20_000, runs: 9, warmup: 2 });
  await echo.terminate();
}

if (want('lock')) {
  line('\n# uncontended shared-memory lock (one thread)');
  const view = new LockMemoryView(createLockMemory({ programLocks: 1, sessionLocks: 0, maxSessions: 0, rows: 1 }));
  const table = new RwLockTable(view, 0);
  await measure('RwLockTable tryAcquire(write) + release', (ops) => {
    for (let i = 0; i < ops; i++) {
      if (!table.tryAcquire(0, 'write')) throw new Error('contended');
      table.release(0, 'write');
    }
  }, { ops: 2_000_000 });
  await measure('RwLockTable tryAcquire(read) + release', (ops) => {
    for (let i = 0; i < ops; i++) {
      if (!table.tryAcquire(0, 'read')) throw new Error('contended');
      table.release(0, 'read');
    }
  }, { ops: 2_000_000 });
  const manager = new SharedLockManager(view, 0, mapLocks([{ name: 'l', scope: 'program' }]));
  const uses = [{ lock: 0, mode: 'write', elevated: false }] as const;
  await measure('SharedLockManager acquire + release (1 write lock)', (ops) => {
    for (let i = 0; i < ops; i++) {
      if (manager.acquire(uses, undefined) !== null) throw new Error('contended');
      manager.release(uses, undefined);
    }
  }, { ops: 2_000_000 });
}

async function withPool<T>(options: ThreadsOptions, body: (pool: ThreadpoolInstance) => Promise<T>): Promise<T> {
  const pool = await startThreadpool(await benchCore('threadpool'), options);
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}

async function withThread<T>(options: ThreadsOptions, body: (rt: ThreadInstance) => Promise<T>): Promise<T> {
  const rt = await startThread(await benchCore('thread'), options);
  try {
    return await body(rt);
  } finally {
    await rt.close();
  }
}

/** `count` flows of `op`, at most `inFlight` at once. */
async function flows(rt: RuntimeInstance, source: number, op: string, count: number, inFlight: number, session?: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      await outcome(rt.dispatch(source, [op, n, session ?? 0], session));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

if (want('pool')) {
  line('\n# one flow through threadpool (threads: 2; trivial one-node flow)');
  await withPool({ threads: 2 }, async (pool) => {
    await measure('threadpool: one flow at a time, emit -> outcome', (ops) => flows(pool, LOOSE, 'echo', ops, 1), { ops: 2000, runs: 9, warmup: 2 });
    await measure('threadpool: 1000 flows in flight (per flow)', (ops) => flows(pool, LOOSE, 'echo', ops, 1000), { ops: 20_000, runs: 9, warmup: 2 });
  });
}

/** Waits until the runtime has ended its idle workers (`threadIdleMs` 1), so that the next flow starts one. */
async function noWorkers(rt: ThreadInstance): Promise<void> {
  while (rt.liveWorkers > 0) await new Promise((resolve) => setTimeout(resolve, 1));
}

if (want('thread')) {
  line('\n# one flow through thread (trivial one-node flow)');
  // threadIdleMs 1: a worker ends as soon as it is idle, so each of these flows starts one (the wait for the
  // previous worker to end is outside the timed part only between runs; within a run it is counted).
  await withThread({ maxThreads: 4, threadIdleMs: 1 }, async (rt) => {
    await measure('thread: flow without a session, worker start each (start + flow + end)', async (ops) => {
      for (let i = 0; i < ops; i++) {
        await noWorkers(rt);
        await outcome(rt.dispatch(LOOSE, ['echo', i, 0], undefined));
      }
    }, { ops: 5, runs: 9, warmup: 1 });
    let session = 1;
    await measure('thread: first flow of a new session, worker start each (start + flow)', async (ops) => {
      for (let i = 0; i < ops; i++) {
        await noWorkers(rt);
        const key = session++;
        await outcome(rt.dispatch(DRIVE, ['echo', i, key], key));
        rt.endSession(key);
      }
    }, { ops: 5, runs: 9, warmup: 1 });
  });
  await withThread({ maxThreads: 4 }, async (rt) => {
    let session = 1_000_000;
    await outcome(rt.dispatch(DRIVE, ['echo', 0, 0], 0));
    await measure('thread: first flow of a new session, the worker of an ended one reused', async (ops) => {
      for (let i = 0; i < ops; i++) {
        const key = session++;
        await outcome(rt.dispatch(DRIVE, ['echo', i, key], key));
        rt.endSession(key);
      }
    }, { ops: 2000, runs: 9, warmup: 2 });
    await outcome(rt.dispatch(DRIVE, ['echo', 0, 0], 0));
    await measure('thread: later flow of a session, one at a time', (ops) => flows(rt, DRIVE, 'echo', ops, 1, 0), { ops: 2000, runs: 9, warmup: 2 });
    rt.endSession(0);
  });
}

if (want('start')) {
  line('\n# worker start: new Worker -> setup done on the worker (thread runtime, one at a time)');
  for (const compileCache of [true, false]) {
    const samples: number[] = [];
    await withThread({ maxThreads: 1, compileCache, threadIdleMs: 1 }, async (rt) => {
      for (let i = 0; i < 11; i++) {
        await noWorkers(rt); // so that each flow starts a worker
        await outcome(rt.dispatch(LOOSE, ['echo', i, 0], undefined));
        const stats = await rt.stats();
        samples.push(stats.figures['workerStartMsMean']! * stats.figures['workersStarted']!);
      }
    });
    // samples are running totals: per-worker times are the differences.
    const each = samples.map((total, i) => total - (samples[i - 1] ?? 0)).slice(1).sort((a, b) => a - b);
    line(`worker start, compile cache ${compileCache ? 'on ' : 'off'}`.padEnd(58) + ` median ${each[each.length >> 1]!.toFixed(1).padStart(8)} ms  (min ${each[0]!.toFixed(1)}, max ${each[each.length - 1]!.toFixed(1)}, ${each.length} workers)`);
  }
}

if (want('fpw')) {
  line('\n# flowsPerWorker: 2000 flows that each read a file (50 us CPU before and after), threads: 2, all in flight');
  for (const flowsPerWorker of [1, 4, 16, 64, 256]) {
    await withPool({ threads: 2, flowsPerWorker, queueLimit: 4096 }, async (pool) => {
      const m = await measure(`threadpool flowsPerWorker ${flowsPerWorker} (per flow)`, (ops) => flows(pool, LOOSE, 'io', ops, 2000), {
        ops: 2000,
        runs: 9,
        warmup: 2,
      });
      line(`  => ${(1e9 / m.medianNs).toFixed(0)} flows/s`);
    });
  }
}
