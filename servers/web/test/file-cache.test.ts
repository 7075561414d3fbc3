import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, realpath, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileCache, HEADROOM } from '../src/cache/file-cache.ts';
import { etagOf } from '../src/http/conditional.ts';
import { resolveResource } from '../src/files/resolve.ts';
import type { LoadedFile, Request } from '../src/types.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';

let fx: Fixture;
let root: string;
before(async () => {
  fx = await makeFixture();
  root = await realpath(fx.root);
});
after(() => fx.remove());

function cache(revalidateMs: number): FileCache {
  const options = { capacityBytes: 256 * 1024, maxFileBytes: 64 * 1024, revalidateMs };
  return new FileCache(new SharedArrayBuffer(FileCache.byteLength(options)), options);
}

function req(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET'): Request {
  return { method, target: path, path, query: '', version: '1.1', keepAlive: true, headers };
}

async function load(path: string): Promise<LoadedFile> {
  const r = await resolveResource(root, path, '');
  if (r.kind !== 'file') throw new Error('not a file');
  const body = await readFile(r.path);
  return { path: r.path, statPath: r.statPath, size: body.length, mtimeMs: r.mtimeMs, body };
}

test('a stored file is a hit with the body after the headroom', async () => {
  const c = cache(1000);
  assert.equal(c.lookup(req('/hello.txt')).hit, false);
  assert.equal(c.store('/hello.txt', await load('/hello.txt')), true);
  const r = c.lookup(req('/hello.txt'));
  assert.ok(r.hit);
  assert.deepEqual(r.decision, { status: 200 });
  assert.equal(r.headroom, HEADROOM);
  assert.equal(Buffer.from(r.buffer.subarray(r.headroom)).toString(), 'hello, world\n');
  assert.equal(r.stat.size, 13);
});

test('HEAD, 304 and 416 copy no body; 206 copies just the range', async () => {
  const c = cache(1000);
  const file = await load('/digits.txt');
  c.store('/digits.txt', file);
  const head = c.lookup(req('/digits.txt', {}, 'HEAD'));
  assert.ok(head.hit);
  assert.equal(head.buffer.length, HEADROOM);
  const notModified = c.lookup(req('/digits.txt', { 'if-none-match': etagOf(file) }));
  assert.ok(notModified.hit);
  assert.equal(notModified.decision.status, 304);
  assert.equal(notModified.buffer.length, HEADROOM);
  const partial = c.lookup(req('/digits.txt', { range: 'bytes=3-5' }));
  assert.ok(partial.hit);
  assert.deepEqual(partial.decision, { status: 206, start: 3, end: 5 });
  assert.equal(Buffer.from(partial.buffer.subarray(HEADROOM)).toString(), '345');
  const unsatisfiable = c.lookup(req('/digits.txt', { range: 'bytes=50-' }));
  assert.ok(unsatisfiable.hit);
  assert.equal(unsatisfiable.decision.status, 416);
});

test('a changed file is a miss once the entry is due for revalidation', async () => {
  const path = join(root, 'changing.txt');
  await writeFile(path, 'version one');
  const c = cache(0);
  c.store('/changing.txt', await load('/changing.txt'));
  assert.ok(c.lookup(req('/changing.txt')).hit);
  await writeFile(path, 'version two, longer');
  assert.equal(c.lookup(req('/changing.txt')).hit, false, 'size changed');
  c.store('/changing.txt', await load('/changing.txt'));
  assert.ok(c.lookup(req('/changing.txt')).hit);
  const later = new Date(Date.now() + 5000);
  await utimes(path, later, later);
  assert.equal(c.lookup(req('/changing.txt')).hit, false, 'mtime changed');
});

test('within the revalidation interval a hit does not look at the file', async () => {
  const path = join(root, 'steady.txt');
  await writeFile(path, 'steady');
  const c = cache(60_000);
  c.store('/steady.txt', await load('/steady.txt'));
  await writeFile(path, 'changed!');
  const now = Date.now();
  assert.ok(c.lookup(req('/steady.txt'), now).hit, 'still fresh: served from memory');
  assert.equal(c.lookup(req('/steady.txt'), now + 60_000).hit, false, 'due: the change is noticed');
});

test('a deleted file is a miss', async () => {
  const path = join(root, 'doomed.txt');
  await writeFile(path, 'doomed');
  const c = cache(0);
  c.store('/doomed.txt', await load('/doomed.txt'));
  const { rm } = await import('node:fs/promises');
  await rm(path);
  assert.equal(c.lookup(req('/doomed.txt')).hit, false);
});

test('files over the per-file limit do not fit and are not stored', async () => {
  const c = cache(1000);
  assert.equal(c.fits(64 * 1024), true);
  assert.equal(c.fits(64 * 1024 + 1), false);
  const big = await load('/large.bin');
  assert.equal(c.store('/large.bin', big), false);
  assert.equal(c.lookup(req('/large.bin')).hit, false);
});
