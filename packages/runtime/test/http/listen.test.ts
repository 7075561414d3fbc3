/**
 * The HTTP/1.1 source (src/http/) end to end over raw sockets, under every runtime: framing, pipelining in order,
 * bodies discarded, closing rules, its own error responses (400, 408, 414, 431, 503), timeouts, a client that does
 * not read, stop. The fixture (fixtures/http/) answers each request with its request line.
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import type { RuntimeKind } from '../../src/api.ts';
import { registry } from '../../src/io/index.ts';
import { RUNTIMES } from '../conformance/runtimes.ts';
import { startFixture, type FixtureServer } from '../helpers/fixture.ts';
import { withTimeout } from '../helpers/bounded.ts';
import { RawClient, exchange } from '../helpers/raw-client.ts';
import { SERVER_NAME } from '../fixtures/http/http.ts';

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

interface Running {
  readonly fx: FixtureServer;
  readonly port: number;
}

async function startHttp(runtime: RuntimeKind, options: Record<string, unknown>): Promise<Running> {
  const fx = await startFixture('http', runtime, { options: { host: '127.0.0.1', port: 0, ...options } });
  const { port } = await withTimeout(fx.server.listening('Listen'), 'the source to listen', 20_000);
  return { fx, port };
}

/** Connections the server holds open: in this thread's registry, or under `workers` in the workers' own. */
async function openConnections(fx: FixtureServer): Promise<number> {
  if (fx.server.runtime !== 'workers') return registry.size;
  return (await fx.server.stats()).figures['connections'] ?? 0;
}

async function until(condition: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const { kind: runtime } of RUNTIMES) {
  describe(`http source: framing and closing (${runtime})`, () => {
    let http: Running;
    before(async () => {
      // Generous timeouts: a loaded machine must not time out the well-behaved clients of these tests.
      http = await startHttp(runtime, { headerTimeoutMs: 10_000, idleTimeoutMs: 10_000, lingerMs: 100, maxDiscardBytes: 1024 });
    });
    after(() => http.fx.stop());

    test('pipelined requests are answered in order, a slow one holding back those behind it', async () => {
      const c = await RawClient.open(http.port);
      c.write(get('/slow/100') + get('/a') + `GET /b HTTP/1.1\r\nHost: t\r\n\r\n` + get('/slow/20') + get('/c'));
      const bodies = [];
      for (let i = 0; i < 5; i++) bodies.push((await c.response()).body.toString('latin1'));
      assert.deepEqual(bodies, ['GET /slow/100 HTTP/1.1', 'GET /a HTTP/1.1', 'GET /b HTTP/1.1', 'GET /slow/20 HTTP/1.1', 'GET /c HTTP/1.1']);
      assert.equal(c.rest().length, 0, 'nothing more than the five responses');
      c.close();
    });

    test('many pipelined requests in one write', async () => {
      const c = await RawClient.open(http.port);
      const paths = Array.from({ length: 100 }, (_, i) => `/r${i}`);
      c.write(paths.map((p) => get(p)).join(''));
      for (const p of paths) assert.equal((await c.response()).body.toString('latin1'), `GET ${p} HTTP/1.1`);
      c.close();
    });

    test('a head that arrives byte by byte is framed once complete', async () => {
      const c = await RawClient.open(http.port);
      for (const ch of get('/pieces')) {
        c.write(ch);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal((await c.response()).body.toString('latin1'), 'GET /pieces HTTP/1.1');
      c.close();
    });

    test('a body is read and discarded, at once or in pieces; the next request is served', async () => {
      const c = await RawClient.open(http.port);
      c.write(`GET /one HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nGET /wrong/` + get('/two'));
      assert.equal((await c.response()).body.toString('latin1'), 'GET /one HTTP/1.1');
      assert.equal((await c.response()).body.toString('latin1'), 'GET /two HTTP/1.1');
      c.write(`POST /three HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\nab`);
      assert.equal((await c.response()).body.toString('latin1'), 'POST /three HTTP/1.1');
      c.write('cdef' + get('/four'));
      assert.equal((await c.response()).body.toString('latin1'), 'GET /four HTTP/1.1');
      c.close();
    });

    test('empty lines before a request are ignored', async () => {
      const r = await exchange(http.port, '\r\n\r\n' + get('/after-empty'));
      assert.equal(r.body.toString('latin1'), 'GET /after-empty HTTP/1.1');
      r.client.close();
    });

    test('a client that half-closes after its requests still gets every answer', async () => {
      const c = await RawClient.open(http.port);
      c.write(get('/x') + get('/slow/50') + get('/y'));
      c.socket.end();
      const bodies = [(await c.response()).body.toString('latin1'), (await c.response()).body.toString('latin1'), (await c.response()).body.toString('latin1')];
      assert.deepEqual(bodies, ['GET /x HTTP/1.1', 'GET /slow/50 HTTP/1.1', 'GET /y HTTP/1.1']);
      await c.waitClosed();
    });

    test('Connection: close, and HTTP/1.0 without keep-alive, close after the answer; nothing after it is answered', async () => {
      const c = await RawClient.open(http.port);
      c.write(get('/last', 'Connection: close\r\n') + get('/never'));
      assert.equal((await c.response()).body.toString('latin1'), 'GET /last HTTP/1.1');
      await c.waitClosed();
      assert.equal(c.rest().length, 0);
      const old = await exchange(http.port, 'GET /old HTTP/1.0\r\n\r\n');
      await old.client.waitClosed();
      const kept = await RawClient.open(http.port);
      kept.write('GET /k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      assert.equal((await kept.response()).body.toString('latin1'), 'GET /k1 HTTP/1.0');
      kept.write('GET /k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      assert.equal((await kept.response()).body.toString('latin1'), 'GET /k2 HTTP/1.0');
      assert.equal(kept.isEnded, false);
      kept.close();
    });

    test('a body with Transfer-Encoding, or too large to discard: answered, then closed', async () => {
      const chunked = await RawClient.open(http.port);
      chunked.write(get('/te', 'Transfer-Encoding: chunked\r\n') + '5\r\nhello\r\n0\r\n\r\n');
      assert.equal((await chunked.response()).status, 200);
      await chunked.waitClosed();
      const large = await RawClient.open(http.port);
      large.write(get('/large-body', 'Content-Length: 100000\r\n') + 'x'.repeat(2000));
      assert.equal((await large.response()).status, 200);
      await large.waitClosed();
    });

    test('a Content-Length that cannot be trusted: 400 from the source, with its server name, and close', async () => {
      for (const extra of ['Content-Length: abc\r\n', 'Content-Length: 1\r\nContent-Length: 2\r\n']) {
        const r = await exchange(http.port, get('/bad', extra));
        assert.equal(r.status, 400, extra);
        assert.equal(r.headers.connection, 'close');
        assert.equal(r.headers.server, SERVER_NAME);
        await r.client.waitClosed();
      }
    });

    test('a request line over the limit: 414 and close, even before it ends; one within it is served', async () => {
      const whole = await exchange(http.port, get('/' + 'a'.repeat(9000)));
      assert.equal(whole.status, 414);
      await whole.client.waitClosed();
      const c = await RawClient.open(http.port);
      c.write('GET /' + 'b'.repeat(10_000)); // no line end yet
      assert.equal((await c.response()).status, 414);
      await c.waitClosed();
      const ok = await exchange(http.port, get('/' + 'c'.repeat(8000)));
      assert.equal(ok.status, 200);
      ok.client.close();
    });

    test('a head over the limit: 431 and close, even before it ends', async () => {
      const big = Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(500)}\r\n`).join('');
      const r = await exchange(http.port, get('/big-head', big));
      assert.equal(r.status, 431);
      await r.client.waitClosed();
      const c = await RawClient.open(http.port);
      c.write(`GET / HTTP/1.1\r\nHost: t\r\n${big}`); // never ends
      assert.equal((await c.response()).status, 431);
      await c.waitClosed();
    });
  });

  describe(`http source: timeouts and slow readers (${runtime})`, () => {
    let http: Running;
    before(async () => {
      http = await startHttp(runtime, { headerTimeoutMs: 300, idleTimeoutMs: 500, lingerMs: 100 });
    });
    after(() => http.fx.stop());

    test('a head that does not arrive in time: 408 and close; dribbling bytes does not extend it', async () => {
      const slow = await RawClient.open(http.port);
      slow.write('GET /x HTTP/1.1\r\nHo');
      assert.equal((await slow.response()).status, 408);
      await slow.waitClosed();
      const c = await RawClient.open(http.port);
      const text = 'GET /x HTTP/1.1\r\nHost: t\r\nX-Slow: ' + 'x'.repeat(200);
      let i = 0;
      const timer = setInterval(() => {
        if (i < text.length && !c.isEnded) c.write(text[i++]!);
      }, 20);
      try {
        assert.equal((await c.response()).status, 408);
        assert.ok(i < text.length, 'cut off before the head was complete');
        await c.waitClosed();
      } finally {
        clearInterval(timer);
      }
    });

    test('an idle connection is closed, before and after a request', async () => {
      const silent = await RawClient.open(http.port);
      await silent.waitClosed();
      assert.equal(silent.rest().length, 0, 'closed without a response');
      const c = await RawClient.open(http.port);
      c.write(get('/then-idle'));
      assert.equal((await c.response()).status, 200);
      await c.waitClosed();
    });

    test('a client that stops reading is dropped, and not answered further meanwhile', async () => {
      await until(async () => (await openConnections(http.fx)) === 0, 'no other connection');
      const flowsBefore = (await http.fx.server.stats()).flows.started;
      const socket = connect({ host: '127.0.0.1', port: http.port });
      await once(socket, 'connect');
      socket.on('error', () => {});
      socket.pause(); // never read: the responses pile up until the buffers are full
      await until(async () => (await openConnections(http.fx)) === 1, 'the connection to be registered');
      socket.write(Array.from({ length: 200 }, () => get('/big/262144')).join(''));
      // The source gives up on the connection: it leaves the registry without the client doing anything.
      await until(async () => (await openConnections(http.fx)) === 0, 'the connection to be dropped');
      socket.destroy();
      const flows = (await http.fx.server.stats()).flows.started - flowsBefore;
      assert.ok(flows < 200, `the source stopped starting its requests (${flows} of 200)`);
    });
  });

  describe(`http source: limits and stop (${runtime})`, () => {
    test('connections over maxConnections get 503 with Retry-After and are closed', async () => {
      // One worker under `workers`: the limit holds per copy of the source.
      const fx = await startFixture('http', runtime, { threads: 1, options: { host: '127.0.0.1', port: 0, maxConnections: 1, idleTimeoutMs: 60_000 } });
      try {
        const { port } = await fx.server.listening('Listen');
        const first = await RawClient.open(port);
        first.write(get('/first'));
        assert.equal((await first.response()).status, 200);
        const second = await RawClient.open(port);
        const r = await second.response();
        assert.equal(r.status, 503);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(r.headers.server, SERVER_NAME);
        await second.waitClosed();
        first.write(get('/still'));
        assert.equal((await first.response()).status, 200, 'the admitted connection still works');
        first.close();
      } finally {
        await fx.stop();
      }
    });

    test('stop: a request in progress is answered, then its connection closes; idle ones close at once', async () => {
      const http = await startHttp(runtime, { idleTimeoutMs: 60_000 });
      let stopped: Promise<void> | undefined;
      try {
        const idle = await RawClient.open(http.port);
        idle.write(get('/warm'));
        assert.equal((await idle.response()).status, 200);
        const busy = await RawClient.open(http.port);
        busy.write(get('/slow/400'));
        await until(async () => (await http.fx.server.stats()).flows.started >= 2, 'the slow flow to start');
        stopped = http.fx.stop();
        await idle.waitClosed();
        assert.equal(idle.rest().length, 0, 'the idle connection got nothing more');
        const r = await busy.response();
        assert.equal(r.body.toString('latin1'), 'GET /slow/400 HTTP/1.1');
        await busy.waitClosed();
      } finally {
        await (stopped ?? http.fx.stop());
      }
    });
  });
}
