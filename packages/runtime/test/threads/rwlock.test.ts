import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { createLockMemory, LockMemoryView } from '../../src/shared/lock-memory.ts';
import { RwLockTable, releaseRow, LockStateError } from '../../src/shared/rwlock.ts';
import { readersOf, waitingWritersOf, hasWriter, WAITING_WRITER } from '../../src/shared/lock-word.ts';
import { withTimeout } from './helpers.ts';

function table(rows = 2) {
  const memory = createLockMemory({ programLocks: 2, sessionLocks: 1, maxSessions: 2, rows });
  const view = new LockMemoryView(memory);
  return { memory, view, threads: Array.from({ length: rows }, (_, row) => new RwLockTable(view, row)) };
}

test('readers overlap; a writer excludes readers and writers', () => {
  const { view, threads: [a, b] } = table();
  assert.equal(a.tryAcquire(0, 'read'), true);
  assert.equal(b.tryAcquire(0, 'read'), true);
  assert.equal(readersOf(view.words[0]), 2);
  assert.equal(b.tryAcquire(0, 'write'), false);
  a.release(0, 'read');
  b.release(0, 'read');
  assert.equal(a.tryAcquire(0, 'write'), true);
  assert.equal(b.tryAcquire(0, 'read'), false);
  assert.equal(b.tryAcquire(0, 'write'), false);
  assert.equal(a.tryAcquire(1, 'write'), true, 'other slots are independent');
  a.release(0, 'write');
  a.release(1, 'write');
  assert.equal(view.words[0], 0);
  assert.equal(a.heldBy(0), 0);
});

test('a waiting writer is not overtaken by new readers, and gets the lock when readers leave', async () => {
  const { view, threads: [a, b] } = table();
  assert.equal(a.acquire(0, 'read'), undefined);
  const writer = b.acquire(0, 'write');
  assert.ok(writer instanceof Promise);
  assert.equal(waitingWritersOf(view.words[0]), 1);
  assert.equal(a.tryAcquire(0, 'read'), false, 'new reader waits behind the waiting writer');
  const lateReader = a.acquire(0, 'read');
  a.release(0, 'read');
  await withTimeout(writer, 'writer');
  assert.equal(hasWriter(view.words[0]), true);
  assert.equal(waitingWritersOf(view.words[0]), 0);
  b.release(0, 'write');
  await withTimeout(lateReader!, 'late reader');
  a.release(0, 'read');
  assert.equal(view.words[0], 0);
});

test('releasing a lock not held is an error with a stable code', () => {
  const { threads: [a] } = table();
  assert.throws(() => a.release(0, 'read'), (e: unknown) => e instanceof LockStateError && e.code === 'FLUX_ERR_LOCK_STATE');
  assert.throws(() => a.release(0, 'write'), LockStateError);
});

test('releaseRow undoes exactly one thread\'s holds and waits, and wakes sleepers', async () => {
  const { view, threads: [a, b] } = table(3);
  a.acquire(0, 'write');
  a.acquire(1, 'read');
  b.acquire(1, 'read');
  const bWaits = b.acquire(0, 'write'); // b registers as a waiting writer on slot 0
  assert.ok(bWaits);
  assert.equal(releaseRow(view, 0), 2);
  await withTimeout(bWaits, 'writer woken by releaseRow');
  assert.equal(readersOf(view.words[1]), 1, 'b still reads slot 1');
  assert.equal(hasWriter(view.words[0]), true, 'b now writes slot 0');
  assert.equal(a.heldBy(0), 0);
  // A thread that died while only waiting to write (row 2, simulated) leaves no trace.
  Atomics.add(view.words, 0, WAITING_WRITER);
  Atomics.add(view.row(2), 0, WAITING_WRITER);
  assert.equal(waitingWritersOf(view.words[0]), 1);
  releaseRow(view, 2);
  assert.equal(waitingWritersOf(view.words[0]), 0);
  b.release(0, 'write');
  b.release(1, 'read');
  assert.equal(view.words[0], 0);
  assert.equal(view.words[1], 0);
});

test('a writer lock keeps a plain counter exact across worker threads', async () => {
  const memory = createLockMemory({ programLocks: 1, sessionLocks: 0, maxSessions: 0, rows: 4 });
  const counter = new SharedArrayBuffer(4);
  const perThread = 2000;
  const workers = [0, 1, 2, 3].map((row) => new Worker(new URL('./fixtures/lock-counter-worker.ts', import.meta.url), {
    workerData: { memory, counter, row, iterations: perThread, concurrency: 8 },
  }));
  await withTimeout(Promise.all(workers.map((w) => once(w, 'exit'))), 'counter workers', 20_000);
  assert.equal(new Int32Array(counter)[0], 4 * perThread);
  const view = new LockMemoryView(memory);
  assert.equal(view.words[0], 0, 'lock word is free at the end');
});

test('a worker that exits while holding a lock: releaseRow frees it for the survivors', async () => {
  const memory = createLockMemory({ programLocks: 2, sessionLocks: 0, maxSessions: 0, rows: 2 });
  const worker = new Worker(new URL('./fixtures/lock-and-exit-worker.ts', import.meta.url), { workerData: { memory, row: 1 } });
  const [code] = await withTimeout(once(worker, 'exit'), 'worker exit');
  assert.equal(code, 7);
  const view = new LockMemoryView(memory);
  const main = new RwLockTable(view, 0);
  assert.equal(main.tryAcquire(0, 'read'), false, 'the dead worker still holds slot 0');
  const waiting = main.acquire(0, 'write');
  assert.equal(releaseRow(view, 1), 2);
  await withTimeout(waiting!, 'lock after recovery');
  main.release(0, 'write');
  assert.equal(view.words[0], 0);
  assert.equal(view.words[1], 0);
});
