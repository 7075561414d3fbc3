import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpath, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResponseMemo, VARIANT_CLOSE, VARIANT_DEFAULT } from '../src/cache/response-memo.ts';
import { FileCache } from '../src/cache/file-cache.ts';
import { resolveResource } from '../src/files/resolve.ts';
import type { CacheResult, Request } from '../src/types.ts';
import { makeFixture } from './helpers/fixture.ts';

const bytes = (n: number) => new Uint8Array(n);

test('the memo answers only in the second it was built, for the same size and mtime', () => {
  const memo = new ResponseMemo(1024, 512);
  const r = bytes(100);
  memo.set('/a', VARIANT_DEFAULT, 10, 80, 5, r);
  assert.equal(memo.get('/a', VARIANT_DEFAULT, 10, 80, 5), r);
  assert.equal(memo.get('/a', VARIANT_CLOSE, 10, 80, 5), undefined, 'another Connection variant');
  assert.equal(memo.get('/a', VARIANT_DEFAULT, 11, 80, 5), undefined, 'the next second (Date)');
  assert.equal(memo.get('/a', VARIANT_DEFAULT, 10, 81, 5), undefined, 'another size');
  assert.equal(memo.get('/a', VARIANT_DEFAULT, 10, 80, 6), undefined, 'another mtime');
  assert.equal(memo.get('/b', VARIANT_DEFAULT, 10, 80, 5), undefined);
});

test('rebuilding an entry in a later second drops its older variants and their bytes', () => {
  const memo = new ResponseMemo(1024, 512);
  memo.set('/a', VARIANT_DEFAULT, 10, 80, 5, bytes(100));
  memo.set('/a', VARIANT_CLOSE, 10, 80, 5, bytes(120));
  assert.equal(memo.size, 220);
  const fresh = bytes(101);
  memo.set('/a', VARIANT_DEFAULT, 11, 80, 5, fresh);
  assert.equal(memo.size, 101);
  assert.equal(memo.get('/a', VARIANT_CLOSE, 11, 80, 5), undefined);
  assert.equal(memo.get('/a', VARIANT_DEFAULT, 11, 80, 5), fresh);
});

test('the memo stays within its budget, dropping what was built longest ago', () => {
  const memo = new ResponseMemo(300, 200);
  memo.set('/a', VARIANT_DEFAULT, 1, 90, 0, bytes(100));
  memo.set('/b', VARIANT_DEFAULT, 1, 90, 0, bytes(100));
  memo.set('/a', VARIANT_DEFAULT, 2, 90, 0, bytes(100)); // rebuilt: now the newest
  memo.set('/c', VARIANT_DEFAULT, 2, 90, 0, bytes(100));
  memo.set('/d', VARIANT_DEFAULT, 2, 90, 0, bytes(100));
  assert.ok(memo.size <= 300);
  assert.equal(memo.get('/b', VARIANT_DEFAULT, 1, 90, 0), undefined, 'the oldest went first');
  assert.ok(memo.get('/d', VARIANT_DEFAULT, 2, 90, 0));
  memo.set('/huge', VARIANT_DEFAULT, 2, 250, 0, bytes(300));
  assert.equal(memo.get('/huge', VARIANT_DEFAULT, 2, 250, 0), undefined, 'bodies over maxBodyBytes are not kept');
  const off = new ResponseMemo(0, 200);
  assert.equal(off.maxBodyBytes, -1, 'a zero budget turns the memo off');
});

test('a hit is the complete response: head then body, rebuilt when the second or the file changes', async (t) => {
  const fx = await makeFixture();
  t.after(() => fx.remove());
  const root = await realpath(fx.root);
  const options = { capacityBytes: 256 * 1024, maxFileBytes: 64 * 1024, revalidateMs: 0, memoBytes: 1024 * 1024 };
  const cache = new FileCache(new SharedArrayBuffer(FileCache.byteLength(options)), options);
  const store = async () => {
    const r = await resolveResource(root, '/hello.txt', '');
    if (r.kind !== 'file') throw new Error('not a file');
    const body = await readFile(r.path);
    cache.store('/hello.txt', { path: r.path, statPath: r.statPath, size: body.length, mtimeMs: r.mtimeMs, body });
    return body;
  };
  const body = await store();
  const request: Request = { method: 'GET', target: '/hello.txt', path: '/hello.txt', query: '', version: '1.1', keepAlive: true, headers: {} };
  const responseOf = (result: CacheResult): Buffer => {
    assert.ok(result.hit && result.response !== null, 'a 200 GET hit carries the complete response');
    return Buffer.from(result.response);
  };
  const now = Date.now();
  const first = responseOf(cache.lookup(request, now));
  const text = first.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, new RegExp(`Date: ${new Date(Math.floor(now / 1000) * 1000).toUTCString()}\r\n`));
  assert.match(text, new RegExp(`Content-Length: ${body.length}\r\n`));
  assert.deepEqual(first.subarray(first.length - body.length), body);
  const again = cache.lookup(request, now);
  assert.ok(again.hit && again.response === (cache.lookup(request, now) as { response: unknown }).response, 'the same buffer within the second');
  const later = responseOf(cache.lookup(request, now + 1000));
  assert.notEqual(later.toString('latin1'), text, 'a new Date the next second');
  const closing = responseOf(cache.lookup({ ...request, keepAlive: false }, now));
  assert.match(closing.toString('latin1'), /\r\nConnection: close\r\n/);

  // The file changes: revalidation (every hit here) finds it, the memo never answers with the old bytes.
  await writeFile(join(root, 'hello.txt'), 'changed contents\n');
  const past = new Date(Date.now() - 5000);
  await utimes(join(root, 'hello.txt'), past, past);
  assert.equal(cache.lookup(request, now + 1000).hit, false);
  const changed = await store();
  assert.deepEqual(responseOf(cache.lookup(request, now + 1000)).subarray(-changed.length), changed);
});
