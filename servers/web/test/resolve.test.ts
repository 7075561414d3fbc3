import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside, resolveResource } from '../src/files/resolve.ts';
import { HttpError } from '../src/http/errors.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';

let fx: Fixture;
let root: string;
before(async () => {
  fx = await makeFixture();
  root = await realpath(fx.root);
});
after(() => fx.remove());

test('isInside compares whole path components', () => {
  assert.equal(isInside('/srv/www', '/srv/www'), true);
  assert.equal(isInside('/srv/www', '/srv/www/a'), true);
  assert.equal(isInside('/srv/www', '/srv/wwwx/a'), false);
  assert.equal(isInside('/srv/www', '/srv'), false);
  assert.equal(isInside('/', '/etc'), true);
});

test('a file resolves to its real path with its size and mtime', async () => {
  const r = await resolveResource(root, '/hello.txt', '');
  assert.equal(r.kind, 'file');
  if (r.kind !== 'file') return;
  assert.equal(r.path, join(root, 'hello.txt'));
  assert.equal(r.statPath, join(root, 'hello.txt'));
  assert.equal(r.size, 13);
  assert.ok(r.mtimeMs > 0);
});

test('directories: with a slash the index, without it a redirect keeping the query', async () => {
  const index = await resolveResource(root, '/sub/', '');
  assert.equal(index.kind === 'file' && index.path, join(root, 'sub', 'index.html'));
  assert.deepEqual(await resolveResource(root, '/sub', '?q=1'), { kind: 'redirect', location: '/sub/?q=1' });
  assert.deepEqual(await resolveResource(root, '/space dir', ''), { kind: 'redirect', location: '/space%20dir/' });
  const home = await resolveResource(root, '/', '');
  assert.equal(home.kind === 'file' && home.path, join(root, 'index.html'));
});

test('symlinks inside the root are followed; ones that lead outside are 404', async () => {
  const inside = await resolveResource(root, '/link-inside.txt', '');
  assert.equal(inside.kind === 'file' && inside.path, join(root, 'hello.txt'));
  assert.equal(inside.kind === 'file' && inside.statPath, join(root, 'link-inside.txt'));
  for (const path of ['/link-outside.txt', '/link-outside-dir/secret.txt', '/link-outside-dir/', '/link-outside-dir']) {
    await assert.rejects(resolveResource(root, path, ''), (e: unknown) => e instanceof HttpError && e.status === 404, path);
  }
});

test('missing things, a directory without index, and a file asked for as a directory', async () => {
  await assert.rejects(resolveResource(root, '/nope.txt', ''), (e: unknown) => (e as { code?: string }).code === 'ENOENT');
  await assert.rejects(resolveResource(root, '/noindex/', ''), (e: unknown) => (e as { code?: string }).code === 'ENOENT');
  await assert.rejects(resolveResource(root, '/hello.txt/', ''), (e: unknown) => ['ENOTDIR', 'WEB_ERR_NOT_FOUND'].includes((e as { code: string }).code));
});
