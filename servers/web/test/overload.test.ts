/**
 * Admission control: when the runtime refuses a flow, the program's Page handler answers 503 with Retry-After
 * and the connection closes. (Under `event` nothing is ever refused: every flow runs on the main thread. Under
 * `thread` a connection waits for a worker, and is refused only when the wait queue is full or the wait too long.)
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registry } from '@flux/runtime/io/index.ts';
import { kCore, kInstance } from '@flux/runtime/symbols.ts';
import type { ThreadInstance } from '@flux/runtime/threads/thread.ts';
import { HOLD } from './fixtures/faulty-web.ts';
import { startWeb } from '../src/server.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';
import { RawClient } from '@flux/runtime/test-helpers/raw-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** Polls `condition` every 10 ms; rejects after `ms`. */
async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('overload', () => {
  let fx: Fixture;
  before(async () => {
    fx = await makeFixture();
  });
  after(() => fx.remove());

  if (RUNTIMES.includes('thread')) {
    test('thread: connections beyond --max-threads wait for a worker; every request is answered 200', async () => {
      const web = await startWeb({ runtime: 'thread', maxThreads: 1, threads: 1, options: { root: fx.root, idleTimeoutMs: 60_000 } });
      try {
        // Keep-alive connections, all open at once, each answered in turn by the one worker.
        const clients = await Promise.all(Array.from({ length: 12 }, () => RawClient.open(web.port)));
        for (const round of ['/hello.txt', '/digits.txt']) {
          for (const c of clients) c.write(request(round));
          const statuses = await Promise.all(clients.map(async (c) => (await c.response()).status));
          assert.deepEqual(statuses, clients.map(() => 200), `round ${round}`);
        }
        // Idle keep-alive connections hold no worker: a new connection is served.
        const late = await RawClient.open(web.port);
        late.write(request('/hello.txt'));
        assert.equal((await late.response()).status, 200);
        for (const c of [...clients, late]) c.close();
        const stats = await web.server.stats();
        assert.equal(stats.figures['workersStarted'], 1);
        assert.equal(stats.flows.overload, 0);
      } finally {
        await web.stop();
      }
    });

    test('thread: a connection that finds the wait queue full gets 503 with Retry-After; the others are served', async () => {
      await writeFile(join(fx.root, 'hold.txt'), 'held\n');
      const web = await startWeb({
        runtime: 'thread',
        maxThreads: 1,
        threads: 1,
        queueLimit: 1,
        implementation: new URL('./fixtures/faulty-web.ts', import.meta.url),
        options: { root: fx.root, idleTimeoutMs: 60_000 },
      });
      const hold = new Int32Array(web.server[kCore].shared.get(HOLD.name, HOLD.bytes));
      const instance = web.server[kInstance] as ThreadInstance;
      try {
        // The first connection's request holds the only worker; the second waits for it (the queue holds one).
        const first = await RawClient.open(web.port);
        first.write(request('/hold.txt'));
        await waitFor(() => instance.liveWorkers === 1, 'the first request to take the worker');
        const second = await RawClient.open(web.port);
        second.write(request('/hello.txt'));
        await waitFor(() => instance.waitingOwners === 1, 'the second request to wait');
        const third = await RawClient.open(web.port);
        third.write(request('/hello.txt'));
        const refused = await third.response();
        assert.equal(refused.status, 503);
        assert.equal(refused.headers['retry-after'], '1');
        assert.equal(refused.headers.connection, 'close');
        await third.waitClosed();
        Atomics.store(hold, 0, 1);
        Atomics.notify(hold, 0);
        assert.equal((await first.response()).body.toString(), 'held\n');
        assert.equal((await second.response()).status, 200, 'the waiting connection was served');
        first.close();
        second.close();
      } finally {
        Atomics.store(hold, 0, 1);
        Atomics.notify(hold, 0);
        await web.stop();
      }
    });
  }

  if (RUNTIMES.includes('threadpool')) {
    test('threadpool: a burst beyond the pool and its queue is answered 503 with Retry-After, the rest 200', async () => {
      const web = await startWeb({ runtime: 'threadpool', threads: 1, queueLimit: 0, options: { root: fx.root, maxConnections: 1000 } });
      try {
        // Connect everyone and wait until the server has accepted them all; then send every request in one
        // synchronous loop. The main thread then reads them in one poll, starting 150 flows before it can hear of
        // any flow's end: far more than one worker takes at once (64), with no queue behind it.
        const clients = await Promise.all(Array.from({ length: 150 }, () => RawClient.open(web.port)));
        while (registry.size < clients.length) await new Promise((resolve) => setImmediate(resolve));
        for (const c of clients) c.write(request('/large.bin'));
        const statuses = await Promise.all(clients.map(async (c) => {
          const r = await c.response();
          if (r.status === 503) {
            assert.equal(r.headers['retry-after'], '1');
            await c.waitClosed();
          }
          c.close();
          return r.status;
        }));
        assert.ok(statuses.every((s) => s === 200 || s === 503), `statuses: ${[...new Set(statuses)]}`);
        assert.ok(statuses.includes(503), 'some flows were refused');
        assert.ok(statuses.includes(200), 'some flows were served');
      } finally {
        await web.stop();
      }
    });
  }
});
