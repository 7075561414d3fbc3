import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCache } from '../targets/web/file-cache.ts';

async function withRoot(run: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'flux-bench-file-cache-'));
  try {
    await run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('the baselines\' cache holds files up to its byte capacity, evicting the least recently used', () =>
  withRoot(async (root) => {
    for (const name of ['a', 'b', 'c']) await writeFile(join(root, name), Buffer.alloc(400, name));
    const cache = new FileCache(root, { capacityBytes: 1000, maxFileBytes: 1000, revalidateMs: 60_000 });
    assert.equal((await cache.lookup('/a')).kind, 'memory');
    assert.equal((await cache.lookup('/b')).kind, 'memory');
    assert.equal(cache.heldBytes, 800);
    assert.ok(cache.fresh('/a'), 'a used again: b is now the least recent');
    await cache.lookup('/c');
    assert.equal(cache.heldBytes, 800, 'bounded in bytes');
    assert.ok(cache.fresh('/a'));
    assert.equal(cache.fresh('/b'), undefined, 'b was evicted');
  }));

test('files over the largest cached size are streamed, not cached; missing files and folders are missing', () =>
  withRoot(async (root) => {
    await writeFile(join(root, 'big'), Buffer.alloc(2000));
    const cache = new FileCache(root, { capacityBytes: 10_000, maxFileBytes: 1000, revalidateMs: 60_000 });
    const big = await cache.lookup('/big');
    assert.equal(big.kind, 'large');
    assert.ok(big.kind === 'large' && big.fullPath === join(root, 'big') && big.file.size === 2000);
    assert.equal(cache.heldBytes, 0);
    assert.equal((await cache.lookup('/nope')).kind, 'missing');
    assert.equal((await cache.lookup('/')).kind, 'missing');
  }));

test('an entry due for revalidation is stat-ed again: a changed or removed file is not served from memory', () =>
  withRoot(async (root) => {
    const file = join(root, 'f');
    await writeFile(file, 'one');
    const cache = new FileCache(root, { capacityBytes: 10_000, maxFileBytes: 1000, revalidateMs: 0 });
    const first = await cache.lookup('/f');
    assert.ok(first.kind === 'memory' && first.body.toString() === 'one');
    assert.equal(cache.fresh('/f'), undefined, 'revalidate-ms 0: every hit checks the disk');
    await writeFile(file, 'two!');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const second = await cache.lookup('/f');
    assert.ok(second.kind === 'memory' && second.body.toString() === 'two!');
    assert.match(second.file.headers.etag, /-4"$/);
    await unlink(file);
    assert.equal((await cache.lookup('/f')).kind, 'missing');
  }));
