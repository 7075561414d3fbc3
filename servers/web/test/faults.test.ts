/** A node that throws does not take the server down: the error path answers 500 and the server goes on. */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, type RunningWeb } from '../src/server.ts';
import type { FluxError } from '@flux/runtime';
import { makeFixture, type Fixture } from './helpers/fixture.ts';
import { RawClient } from '@flux/runtime/test-helpers/raw-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;

for (const runtime of RUNTIMES) {
  describe(`faults (${runtime})`, () => {
    let fx: Fixture;
    let web: RunningWeb;
    const reported: FluxError[] = [];

    before(async () => {
      fx = await makeFixture();
      web = await startWeb({
        runtime,
        threads: 1,
        implementation: new URL('./fixtures/faulty-web.ts', import.meta.url),
        options: { root: fx.root, idleTimeoutMs: 60_000 },
        onError: (e) => reported.push(e),
      });
    });
    after(async () => {
      await web.stop();
      await fx.remove();
    });

    test('a node without a handler of its own fails: 500, connection closed, server still serving', async () => {
      const c = await RawClient.open(web.port);
      c.write(get('/boom-lookup') + get('/hello.txt'));
      const r = await c.response();
      assert.equal(r.status, 500);
      assert.equal(r.headers.connection, 'close');
      await c.waitClosed();
      const next = await RawClient.open(web.port);
      next.write(get('/hello.txt'));
      assert.equal((await next.response()).status, 200);
      next.close();
    });

    test('an asynchronous failure with a handler (Resolve -> NotFound) is answered 500 too', async () => {
      const c = await RawClient.open(web.port);
      c.write(get('/boom-resolve'));
      const r = await c.response();
      assert.equal(r.status, 500);
      await c.waitClosed();
      const next = await RawClient.open(web.port);
      next.write(get('/digits.txt'));
      assert.equal((await next.response()).body.toString(), '0123456789');
      next.close();
    });

    test('handled failures are not reported as runtime errors', () => {
      assert.deepEqual(reported.map((e) => e.code), []);
    });
  });
}
