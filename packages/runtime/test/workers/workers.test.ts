/**
 * The `workers` runtime: each worker serves its own connections with its copy of the 'every-thread' Listen
 * source, and a connection's flows never leave that worker. Observed through the line protocol of
 * fixtures/workers.ts, shared memory and statistics only: no assertion depends on timing.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { isMainThread, threadId } from 'node:worker_threads';
import type { Conn } from '../../src/api.ts';
import { FluxError } from '../../src/errors.ts';
import { start } from '../../src/start.ts';
import { ownerOf } from '../../src/workers/conn-ids.ts';
import { clientPerThread, implementationUrl, LineClient, P, startTestServer, waitFor, whereOf, withTimeout, workersIr } from './helpers.ts';

test('workers: flows run on several worker threads, never on main; a connection keeps its thread', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    assert.ok(isMainThread);
    const clients = await clientPerThread(t.port, 2);
    const threads = [...clients.keys()];
    assert.equal(threads.length, 2);
    assert.ok(!threads.includes('main') && !threads.includes(String(threadId)), `flows ran on ${threads.join(', ')}`);
    assert.deepEqual(new Set(t.instance.threadIds().map(String)), new Set(threads));
    const conns = new Set<number>();
    for (const [thread, client] of clients) {
      // Sent together, so they run as concurrent flows: every one of them on the connection's own thread.
      client.send(...Array.from({ length: 20 }, () => 'where'));
      for (const line of await client.read(20)) {
        const [, at, conn] = line.split(' ');
        assert.equal(at, thread);
        conns.add(Number(conn));
      }
    }
    // Ids are unique across workers and name their owner's slot (0 and 1 here; main is slot `threads`).
    assert.equal(conns.size, 2);
    assert.deepEqual(new Set([...conns].map(ownerOf)), new Set([0, 1]));
    for (const c of clients.values()) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: a program lock excludes across workers (and the main thread)', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    const clients = [...(await clientPerThread(t.port, 2)).values()];
    const perClient = 150;
    const fromMain = 50;
    const conn: Conn = { id: 0, remoteAddress: '', remotePort: 0 };
    const mainFlows = Array.from({ length: fromMain }, () => t.tick.emit(conn, 'bump'));
    await Promise.all(
      clients.map(async (c) => {
        c.send(...Array.from({ length: perClient }, () => 'bump'));
        assert.deepEqual(new Set(await c.read(perClient)), new Set(['bumped']));
      }),
    );
    for (const outcome of await Promise.all(mainFlows)) assert.equal(outcome.status, 'ok');
    // Bump reads, awaits, then writes a plain (non-atomic) counter: without one lock across threads updates get lost.
    assert.equal(Atomics.load(t.probe, P.counter), clients.length * perClient + fromMain);
    for (const c of clients) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: session locks serialise a connection\'s flows on its worker', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    const clients = [...(await clientPerThread(t.port, 2)).values()];
    await Promise.all(
      clients.map(async (c) => {
        c.send(...Array.from({ length: 30 }, () => 'sbump'));
        assert.deepEqual(new Set(await c.read(30)), new Set(['sbumped']));
      }),
    );
    assert.equal(Atomics.load(t.probe, P.sessionViolations), 0);
    for (const c of clients) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: io reaches a connection another thread owns (from a worker and from the main thread)', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    const clients = [...(await clientPerThread(t.port, 2)).values()];
    const [a, b] = clients as [LineClient, LineClient];
    const idB = (await whereOf(b)).conn;
    const idA = (await whereOf(a)).conn;
    assert.equal(await a.ask(`tell ${idB} from-a`), 'sent');
    assert.equal((await b.read(1))[0], 'told from-a');
    const outcome = await t.tick.emit({ id: 0, remoteAddress: '', remotePort: 0 }, `tell ${idA} from-main`);
    assert.equal(outcome.status, 'ok');
    assert.equal((await a.read(1))[0], 'told from-main');
    for (const c of clients) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: statistics merge every worker\'s snapshot with the main thread\'s', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    const clients = [...(await clientPerThread(t.port, 2)).values()];
    const before = await t.server.stats();
    for (const c of clients) {
      c.send(...Array.from({ length: 10 }, () => 'echo'));
      await c.read(10);
    }
    await t.tick.emit({ id: 0, remoteAddress: '', remotePort: 0 }, 'echo');
    const after = await t.server.stats();
    assert.equal(after.runtime, 'workers');
    assert.equal(after.flows.ok - before.flows.ok, 21);
    assert.equal(after.nodes['Echo']!.calls - (before.nodes['Echo']?.calls ?? 0), 21);
    assert.equal(after.figures['threads'], 2);
    assert.equal(after.figures['workersStarted'], 2);
    assert.ok(after.figures['connections']! >= 2, 'open connections are counted on their workers');
    for (const c of clients) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: stop lets flows in flight on every worker finish and answer, then closes', async () => {
  const t = await startTestServer({ threads: 2 });
  const clients = [...(await clientPerThread(t.port, 2)).values()];
  for (const c of clients) c.send('slow 300', 'slow 200');
  await waitFor(() => Atomics.load(t.probe, P.slowStarted) === 4, 'the slow flows to start');
  const stopped = t.stop(10_000);
  for (const c of clients) {
    assert.deepEqual(await c.read(2), ['slept', 'slept']);
    await c.waitClosed();
  }
  await stopped;
  const stats = await t.server.stats();
  assert.equal(stats.flows.inFlight, 0);
  assert.equal(stats.nodes['Slow']!.calls, 4);
  assert.equal(stats.nodes['Slow']!.errors, 0);
  await assert.rejects(LineClient.open(t.port), 'the port is closed');
});

test('workers: a worker that dies is reported and replaced, and its program locks are released', async () => {
  const t = await startTestServer({ threads: 2 });
  try {
    const clients = await clientPerThread(t.port, 2);
    const [[victimThread, victim], [, survivor]] = [...clients] as [[string, LineClient], [string, LineClient]];
    const index = t.instance.threadIds().map(String).indexOf(victimThread);
    // Crash takes the program lock `counter`, then its worker exits holding it.
    victim.send('crash');
    await victim.waitClosed();
    await waitFor(() => t.errors.some((e) => e.code === 'FLUX_ERR_WORKER_DIED'), 'the death to be reported');
    await waitFor(() => t.instance.threadIds().every((id) => id !== -1 && String(id) !== victimThread), 'a replacement worker', 15_000);
    assert.ok(t.instance.locks.row(index).every((word) => word === 0), 'the dead worker\'s held row is empty');
    // The lock is free again: flows that need it finish, on the survivor and on the replacement.
    assert.equal(await withTimeout(survivor.ask('bump'), 'a bump after the death'), 'bumped');
    const again = await clientPerThread(t.port, 2);
    for (const c of again.values()) assert.equal(await c.ask('bump'), 'bumped');
    assert.ok(!again.has(victimThread));
    const stats = await t.server.stats();
    assert.equal(stats.figures['workerDeaths'], 1);
    assert.equal(stats.figures['workersStarted'], 3);
    survivor.close();
    for (const c of again.values()) c.close();
  } finally {
    await t.stop();
  }
});

test('workers: sourceModes must name sources of the program and known modes', async () => {
  const bad = new URL('./fixtures/bad-modes.ts', import.meta.url);
  await assert.rejects(
    start({ ir: workersIr(), implementation: bad, runtime: 'workers', threads: 1 }),
    (error: unknown) => error instanceof FluxError && error.code === 'FLUX_ERR_BAD_OPTION' && /Lisen/.test(error.message),
  );
});

test('workers: a setup that fails on the workers fails start with FLUX_ERR_WORKER_START_FAILED', async () => {
  const bad = new URL('./fixtures/bad-setup.ts', import.meta.url);
  await assert.rejects(
    withTimeout(start({ ir: workersIr(), implementation: bad, runtime: 'workers', threads: 2, onError: () => {} }), 'start', 15_000),
    (error: unknown) => error instanceof FluxError && error.code === 'FLUX_ERR_WORKER_START_FAILED' && /refuses/.test(error.message),
  );
});

test('workers: a port that cannot be bound fails listening(), and stop still finishes', async () => {
  const squatter = createServer();
  squatter.listen({ host: '127.0.0.1', port: 0 }); // no SO_REUSEPORT: nobody can share it
  await once(squatter, 'listening');
  const port = (squatter.address() as { port: number }).port;
  const errors: FluxError[] = [];
  const server = await start({ ir: workersIr(), implementation: implementationUrl, runtime: 'workers', threads: 2, options: { port }, onError: (e) => errors.push(e) });
  try {
    await assert.rejects(withTimeout(server.listening('Listen'), 'listening to fail'), /EADDRINUSE/);
    await waitFor(() => errors.some((e) => e.code === 'FLUX_ERR_SOURCE_FAILED'), 'the source failure to be reported');
  } finally {
    await withTimeout(server.stop({ deadlineMs: 2000 }), 'stop', 15_000);
    squatter.close();
  }
});
