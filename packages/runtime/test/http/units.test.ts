/** The HTTP source's pieces alone: framing, the keep-alive rule, its own responses, its options. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFraming } from '../../src/http/framing.ts';
import { hasToken, keepAliveOf } from '../../src/http/headers.ts';
import { simpleResponse } from '../../src/http/response.ts';
import { HTTP_LISTEN_DEFAULTS, resolveHttpOptions, sweepInterval } from '../../src/http/options.ts';
import { httpDate } from '../../src/http/date.ts';

test('framing: body length, close, invalid lengths', () => {
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nHost: h', 1000), { bodyLength: 0, close: false, invalid: false });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nHost: h\r\ncontent-LENGTH: 12', 1000), { bodyLength: 12, close: false, invalid: false });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nContent-Length: 5000', 1000), { bodyLength: 0, close: true, invalid: false });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nContent-Length: x1', 1000), { bodyLength: 0, close: true, invalid: true });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2', 1000), { bodyLength: 0, close: true, invalid: true });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3', 1000), { bodyLength: 3, close: false, invalid: false });
  assert.deepEqual(scanFraming('GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3', 1000), { bodyLength: 0, close: true, invalid: false });
  assert.equal(scanFraming('GET / HTTP/1.1\r\nConnection: close', 1000).close, true);
  assert.equal(scanFraming('GET / HTTP/1.1\r\nconnection: keep-alive\r\nConnection: close', 1000).close, true);
  assert.equal(scanFraming('GET / HTTP/1.0', 1000).close, true);
  assert.equal(scanFraming('GET / HTTP/1.0\r\nConnection: Keep-Alive', 1000).close, false);
});

test('keep-alive: HTTP/1.1 by default, HTTP/1.0 when asked, never after a body in a transfer coding', () => {
  assert.equal(keepAliveOf('1.1', undefined, undefined), true);
  assert.equal(keepAliveOf('1.1', 'Upgrade, Close', undefined), false);
  assert.equal(keepAliveOf('1.0', undefined, undefined), false);
  assert.equal(keepAliveOf('1.0', 'keep-alive', undefined), true);
  assert.equal(keepAliveOf('1.1', undefined, 'chunked'), false);
  assert.equal(hasToken(' a , B ', 'b'), true);
  assert.equal(hasToken('ab', 'b'), false);
  assert.equal(hasToken(undefined, 'b'), false);
});

test('simpleResponse: status line, server name, date, closing, extra headers, HEAD without a body', () => {
  const before = Date.now();
  const text = Buffer.from(simpleResponse({ status: 503, server: 'srv', keepAlive: false, headers: [['Retry-After', '1']] })).toString('latin1');
  // The Date header is cached for a second, so it may name the second before this one.
  const date = /\r\nDate: ([^\r]*)\r\n/.exec(text)?.[1];
  assert.ok(date !== undefined && [httpDate(before - 1000), httpDate(before), httpDate(Date.now())].includes(date), `Date: ${date}`);
  assert.equal(text.replace(`Date: ${date}`, 'Date: <now>'), 'HTTP/1.1 503 Service Unavailable\r\nServer: srv\r\nDate: <now>\r\nConnection: close\r\nRetry-After: 1\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\n\r\n503 Service Unavailable\n');
  const head = Buffer.from(simpleResponse({ status: 404, server: 'srv', keepAlive: true, version: '1.0', headOnly: true })).toString('latin1');
  assert.match(head, /^HTTP\/1\.1 404 Not Found\r\n.*Connection: keep-alive\r\n.*Content-Length: 14\r\n\r\n$/s);
  const kept = Buffer.from(simpleResponse({ status: 400, server: 'srv', keepAlive: true })).toString('latin1');
  assert.doesNotMatch(kept, /Connection:/);
});

test('httpDate: an IMF-fixdate, the same within a second', () => {
  assert.equal(httpDate(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), 'Fri, 02 Jan 2026 03:04:05 GMT');
  assert.equal(httpDate(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), 'Fri, 02 Jan 2026 03:04:05 GMT');
});

test('options: defaults filled in, only the source\'s keys kept, bad values refused with FLUX_ERR_BAD_OPTION', () => {
  assert.deepEqual(resolveHttpOptions(), HTTP_LISTEN_DEFAULTS);
  const resolved = resolveHttpOptions({ port: 8080, maxConnections: 3, root: '/srv' } as never);
  assert.equal(resolved.port, 8080);
  assert.equal(resolved.maxConnections, 3);
  assert.equal(resolved.idleTimeoutMs, HTTP_LISTEN_DEFAULTS.idleTimeoutMs);
  assert.equal('root' in resolved, false);
  const bad = [{ port: 70000 }, { maxConnections: 0 }, { maxHeaderBytes: 1.5 }, { headerTimeoutMs: 0 }, { lingerMs: -1 }, { serverName: 'a\r\nX: y' }, { serverName: '' }];
  for (const options of bad) {
    assert.throws(() => resolveHttpOptions(options), (e: unknown) => (e as { code?: string }).code === 'FLUX_ERR_BAD_OPTION', JSON.stringify(options));
  }
});

test('deadlines are swept at a quarter of the shortest timeout, within 5 ms and 1 s', () => {
  assert.equal(sweepInterval({ headerTimeoutMs: 10_000, idleTimeoutMs: 5_000, lingerMs: 1_000 }), 250);
  assert.equal(sweepInterval({ headerTimeoutMs: 10, idleTimeoutMs: 10, lingerMs: 0 }), 5);
  assert.equal(sweepInterval({ headerTimeoutMs: 60_000, idleTimeoutMs: 60_000, lingerMs: 60_000 }), 1000);
});
