import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameRequest } from '../src/http/request.ts';
import { encodeResponse, etagMatches, imageResponse } from '../src/http/response.ts';

test('frames a GET head and reports how much it used', () => {
  const raw = Buffer.from('GET /images/a.jpg?w=1 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "abc"\r\n\r\nGET /next');
  const framed = frameRequest(raw);
  assert.equal(framed.kind, 'request');
  if (framed.kind !== 'request') return;
  assert.deepEqual(framed.request, { method: 'GET', target: '/images/a.jpg?w=1', keepAlive: true, ifNoneMatch: '"abc"', problem: null });
  assert.equal(raw.subarray(framed.consumed).toString(), 'GET /next');
});

test('an incomplete head waits for more bytes', () => {
  assert.equal(frameRequest(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n')).kind, 'partial');
});

test('connection semantics: 1.1 keeps alive unless close, 1.0 closes unless keep-alive', () => {
  const keep = (text: string) => {
    const f = frameRequest(Buffer.from(text));
    return f.kind === 'request' ? f.request.keepAlive : null;
  };
  assert.equal(keep('GET / HTTP/1.1\r\nConnection: close\r\n\r\n'), false);
  assert.equal(keep('GET / HTTP/1.0\r\n\r\n'), false);
  assert.equal(keep('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), true);
});

test('malformed heads and bodies become problems that close the connection', () => {
  for (const text of ['NONSENSE\r\n\r\n', 'GET / HTTP/1.1\r\nno colon here\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc']) {
    const f = frameRequest(Buffer.from(text));
    assert.equal(f.kind, 'request');
    if (f.kind === 'request') {
      assert.notEqual(f.request.problem, null, text);
      assert.equal(f.request.keepAlive, false);
    }
  }
  const huge = frameRequest(Buffer.alloc(20_000, 0x61));
  assert.equal(huge.kind === 'request' && huge.request.problem, 'request head too large');
});

test('responses: 200 with headers, HEAD without body, 304 on a matching ETag', () => {
  const image = { bytes: Buffer.from('IMAGE'), contentType: 'image/webp', etag: '"e1"' };
  const get = { method: 'GET', target: '/', keepAlive: true, ifNoneMatch: null, problem: null };
  const ok = Buffer.from(imageResponse(get, image, 'public, max-age=1')).toString('latin1');
  assert.match(ok, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(ok, /\r\nContent-Type: image\/webp\r\n/);
  assert.match(ok, /\r\nETag: "e1"\r\n/);
  assert.match(ok, /\r\nCache-Control: public, max-age=1\r\n/);
  assert.match(ok, /\r\nContent-Length: 5\r\n\r\nIMAGE$/);
  const head = Buffer.from(imageResponse({ ...get, method: 'HEAD' }, image, 'x')).toString('latin1');
  assert.match(head, /Content-Length: 5\r\n\r\n$/);
  const notModified = Buffer.from(imageResponse({ ...get, ifNoneMatch: 'W/"e1", "zz"' }, image, 'x')).toString('latin1');
  assert.match(notModified, /^HTTP\/1\.1 304 Not Modified\r\n/);
  assert.doesNotMatch(notModified, /Content-Length/);
  const closing = Buffer.from(encodeResponse({ ...get, keepAlive: false }, { status: 404, headers: [], body: new Uint8Array(0) })).toString('latin1');
  assert.match(closing, /Connection: close\r\n/);
  assert.equal(etagMatches('*', '"x"'), true);
  assert.equal(etagMatches('"y"', '"x"'), false);
});
