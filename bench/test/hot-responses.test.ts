import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeldFile } from '../targets/web/file-cache.ts';
import { fileHeaderLines, fileHeadersFor } from '../targets/web/http-file-headers.ts';
import { HotResponses, VARIANT_CLOSE, VARIANT_KEEP_ALIVE, VARIANT_KEEP_ALIVE_10, variantOf } from '../targets/web/hot-responses.ts';

function held(path: string, body: Buffer, mtimeMs = 1_700_000_000_000): HeldFile {
  const headers = fileHeadersFor(path, body.length, mtimeMs);
  return { size: body.length, mtimeMs, headers, headerLines: fileHeaderLines(headers), body };
}

const T = 1_750_000_000_000; // a whole second

test('a complete 200 response is built once per file, variant and second, head and body in one buffer', () => {
  const hot = new HotResponses('raw-net', 1 << 20, 1 << 16);
  const file = held('/a.txt', Buffer.from('hello'));
  const first = hot.response('/a.txt', file, VARIANT_KEEP_ALIVE, T)!;
  const text = first.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\nServer: raw-net\r\nDate: [^\r]+ GMT\r\nLast-Modified: /);
  assert.ok(text.endsWith('Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nAccept-Ranges: bytes\r\n\r\nhello'), text);
  assert.equal(hot.response('/a.txt', file, VARIANT_KEEP_ALIVE, T + 999), first, 'the same bytes within the second');
  const close = hot.response('/a.txt', file, VARIANT_CLOSE, T + 10)!;
  const keepAlive10 = hot.response('/a.txt', file, VARIANT_KEEP_ALIVE_10, T + 10)!;
  assert.match(close.toString('latin1'), /\r\nConnection: close\r\n\r\nhello$/);
  assert.match(keepAlive10.toString('latin1'), /\r\nConnection: keep-alive\r\n\r\nhello$/);
  assert.doesNotMatch(text, /Connection:/);
  assert.equal(hot.heldBytes, first.length + close.length + keepAlive10.length);

  const next = hot.response('/a.txt', file, VARIANT_KEEP_ALIVE, T + 1000)!;
  assert.notEqual(next, first, 'a new second, a new Date');
  assert.notEqual(next.toString('latin1'), text);
  assert.equal(hot.heldBytes, next.length, 'the other variants of the old second are gone');
  assert.ok(first.toString('latin1') === text, 'a response already handed out never changes');
});

test('a changed file gets a new response; bodies over the limit get none; the budget drops the oldest first', () => {
  const hot = new HotResponses('raw-net', 700, 200);
  const a = held('/a', Buffer.alloc(100, 'a'));
  const before = hot.response('/a', a, VARIANT_KEEP_ALIVE, T)!;
  const changed = held('/a', Buffer.alloc(100, 'b'), a.mtimeMs + 5000);
  const after = hot.response('/a', changed, VARIANT_KEEP_ALIVE, T)!;
  assert.notEqual(after, before);
  assert.ok(after.subarray(after.length - 100).equals(changed.body));
  assert.equal(hot.response('/big', held('/big', Buffer.alloc(201)), VARIANT_KEEP_ALIVE, T), undefined);

  // About 320 bytes a response: the budget holds two, so building a third drops the one built first.
  const b = held('/b', Buffer.alloc(100));
  const forB = hot.response('/b', b, VARIANT_KEEP_ALIVE, T);
  hot.response('/c', held('/c', Buffer.alloc(100)), VARIANT_KEEP_ALIVE, T);
  assert.ok(hot.heldBytes <= 700, `bounded: ${hot.heldBytes}`);
  assert.equal(hot.response('/b', b, VARIANT_KEEP_ALIVE, T), forB, '/b is still held');
  assert.notEqual(hot.response('/a', changed, VARIANT_KEEP_ALIVE, T), after, '/a, built first, went first');
});

test('the variant follows the version and keep-alive', () => {
  assert.equal(variantOf('1.1', true), VARIANT_KEEP_ALIVE);
  assert.equal(variantOf('1.0', true), VARIANT_KEEP_ALIVE_10);
  assert.equal(variantOf('1.1', false), VARIANT_CLOSE);
  assert.equal(variantOf('1.0', false), VARIANT_CLOSE);
});
