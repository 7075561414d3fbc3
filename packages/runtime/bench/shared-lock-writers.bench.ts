/**
 * Many writers and readers on one shared-memory lock from three threads (main and two workers), each thread
 * otherwise idle: `node packages/runtime/bench/shared-lock-writers.bench.ts` (W writers and R readers a thread:
 * env W and R). Prints how long each thread's writers took. It tells the lock table itself apart from the
 * handoff latency of busy event loops (runtime README, "Known problem").
 */

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createLockMemory, LockMemoryView, type LockMemory } from '../src/shared/lock-memory.ts';
import { RwLockTable } from '../src/shared/rwlock.ts';

const WRITERS = Number(process.env['W'] ?? 300);
const READERS = Number(process.env['R'] ?? 200);
const LIMIT_MS = 6000;

function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function run(memory: LockMemory, row: number): Promise<string> {
  const table = new RwLockTable(new LockMemoryView(memory), row);
  const start = performance.now();
  let writersDone = 0;
  let reads = 0;
  let stop = false;
  // Readers: a short read every 50 ms each, like inputs; writers: all at once within 100 ms, like joins.
  const readers = Array.from({ length: READERS }, async () => {
    while (!stop) {
      const wait = table.acquire(0, 'read');
      if (wait !== undefined) await wait;
      spin(5);
      table.release(0, 'read');
      reads++;
      await sleep(50);
    }
  });
  const writers = Array.from({ length: WRITERS }, async (_, i) => {
    await sleep(i % 100);
    const wait = table.acquire(0, 'write');
    if (wait !== undefined) await wait;
    spin(20);
    table.release(0, 'write');
    writersDone++;
  });
  await Promise.race([Promise.all(writers), sleep(LIMIT_MS)]);
  const ms = performance.now() - start;
  stop = true;
  await Promise.all(readers);
  return `thread ${row}: ${writersDone}/${WRITERS} writers in ${ms.toFixed(0)} ms, ${reads} reads meanwhile`;
}

if (isMainThread) {
  const memory = createLockMemory({ programLocks: 1, sessionLocks: 0, maxSessions: 0, rows: 3 });
  const workers = [1, 2].map((row) => new Worker(new URL(import.meta.url), { workerData: { memory, row } }));
  const results = workers.map((worker) => new Promise<string>((resolve) => worker.once('message', resolve)));
  console.log(await run(memory, 0));
  for (const line of await Promise.all(results)) console.log(line);
} else {
  const { memory, row } = workerData as { memory: LockMemory; row: number };
  parentPort!.postMessage(await run(memory, row));
}
