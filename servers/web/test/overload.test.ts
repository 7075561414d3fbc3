/**
 * Admission control: when the runtime refuses a flow, the program's Page handler answers 503 with Retry-After
 * and the connection closes. (Under `event` nothing is ever refused: every flow runs on the main thread.)
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registry } from '@flux/runtime/io/index.ts';
import { startWeb } from '../src/server.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';
import { RawClient } from './helpers/raw-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;

describe('overload', () => {
  let fx: Fixture;
  before(async () => {
    fx = await makeFixture();
  });
  after(() => fx.remove());

  if (RUNTIMES.includes('thread')) {
    test('thread: a connection beyond --max-threads gets 503 with Retry-After; the others are served', async () => {
      // A long idle timeout: the first connection must stay open (and keep the worker) however slow the machine is.
      const web = await startWeb({ runtime: 'thread', maxThreads: 1, options: { root: fx.root, idleTimeoutMs: 60_000 } });
      try {
        const first = await RawClient.open(web.port);
        first.write(request('/hello.txt'));
        assert.equal((await first.response()).status, 200);
        // The first connection's session keeps the only worker while it stays open.
        const second = await RawClient.open(web.port);
        second.write(request('/hello.txt'));
        const refused = await second.response();
        assert.equal(refused.status, 503);
        assert.equal(refused.headers['retry-after'], '1');
        assert.equal(refused.headers.connection, 'close');
        await second.waitClosed();
        first.write(request('/digits.txt'));
        assert.equal((await first.response()).status, 200, 'the admitted connection still works');
        first.close();
      } finally {
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
