import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead } from '../targets/web/request-head.ts';

test('a request head gives method, target, version, keep-alive, If-None-Match and body length', () => {
  assert.deepEqual(parseRequestHead('GET /a/b?x=1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "1-2"'), {
    ok: true,
    head: { method: 'GET', target: '/a/b?x=1', version: '1.1', keepAlive: true, ifNoneMatch: '"1-2"', contentLength: 0 },
  });
  const post = parseRequestHead('POST / HTTP/1.1\r\ncontent-length: 12');
  assert.ok(post.ok && post.head.contentLength === 12 && post.head.keepAlive);
});

test('field names match in any case, values are trimmed, other fields are only checked for form', () => {
  assert.deepEqual(parseRequestHead('HEAD /x HTTP/1.0\r\nUser-Agent: a: b\r\nIF-NONE-MATCH:  "e" \r\nCONTENT-length:  7 \r\nconnection: keep-alive'), {
    ok: true,
    head: { method: 'HEAD', target: '/x', version: '1.0', keepAlive: true, ifNoneMatch: '"e"', contentLength: 7 },
  });
  const repeated = parseRequestHead('GET / HTTP/1.1\r\nConnection: keep-alive\r\nX-Connection: close\r\nConnection: close');
  assert.ok(repeated.ok && !repeated.head.keepAlive, 'repeated Connection fields are one list');
});

test('keep-alive: HTTP/1.1 unless Connection: close, HTTP/1.0 only with keep-alive, never with a chunked body', () => {
  const keepAlive = (text: string) => {
    const parsed = parseRequestHead(text);
    assert.ok(parsed.ok);
    return parsed.head.keepAlive;
  };
  assert.equal(keepAlive('GET / HTTP/1.1'), true);
  assert.equal(keepAlive('GET / HTTP/1.1\r\nConnection: close'), false);
  assert.equal(keepAlive('GET / HTTP/1.1\r\nConnection: Upgrade, Close'), false);
  assert.equal(keepAlive('GET / HTTP/1.0'), false);
  assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: Keep-Alive'), true);
  assert.equal(keepAlive('GET / HTTP/1.1\r\nTransfer-Encoding: chunked'), false);
});

test('malformed heads are 400, unknown HTTP versions 505', () => {
  for (const bad of [
    'GET /',
    'GET  / HTTP/1.1',
    'GET / HTTP/1.1 extra',
    'GET / HTTX/1.1',
    'G(T / HTTP/1.1',
    'GET / HTTP/1.1\r\nNo colon here',
    'GET / HTTP/1.1\r\nHost : x',
    'GET / HTTP/1.1\r\n folded: line',
    'GET / HTTP/1.1\r\nContent-Length: -1',
    'GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2',
    'GET / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked',
    'GET / HTTP/1.1\r\nContent-Length: 1x',
    'GET / HTTP/1.1\r\nContent-Length: ',
    'GET / HTTP/1.1\r\n',
    'GET /a\tb HTTP/1.1',
    'GET / HTTP/1.1\r',
    'GET / HTTP/1.10',
    ' / HTTP/1.1',
  ]) {
    assert.deepEqual(parseRequestHead(bad), { ok: false, status: 400 }, JSON.stringify(bad));
  }
  assert.deepEqual(parseRequestHead('GET / HTTP/2.0'), { ok: false, status: 505 });
});
