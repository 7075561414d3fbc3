/**
 * Flux seeder -> Flux leecher, two serve.ts processes on loopback, under every runtime: a single-file torrent
 * and a multi-file one (files of odd sizes, so blocks and pieces span file boundaries), every file compared byte
 * for byte, the leecher exiting 0 with --exit-on-complete and the seeder 0 on SIGTERM.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startPeer, type PeerProcess } from './peer-process.ts';
import { assertSameFile, tempDir, within, writeRandom, writeRandomFolder } from './files.ts';

const live = new Set<PeerProcess>();
after(async () => {
  for (const p of live) await p.stop(1000);
});

async function transfer(runtime: string, seedPath: string, dir: string): Promise<{ leecher: PeerProcess }> {
  const torrent = join(dir, `${runtime}.torrent`);
  const seeder = await startPeer(['--runtime', runtime, '--port', '0', '--seed', seedPath, '--torrent-out', torrent, '--piece-length', '32768']);
  live.add(seeder);
  const leecher = await startPeer(['--runtime', runtime, '--port', '0', '--torrent', torrent, '--out', join(dir, `out-${runtime}`),
    '--peer', `127.0.0.1:${seeder.port}`, '--exit-on-complete']);
  live.add(leecher);
  const code = await within(leecher.exited, 30_000, () => `leecher did not finish:\n${leecher.output()}`);
  assert.equal(code, 0, leecher.output());
  assert.match(leecher.output(), /bittorrent: complete/);
  assert.equal(await seeder.stop(), 0, seeder.output());
  live.delete(seeder);
  live.delete(leecher);
  return { leecher };
}

/** The two transfers under one runtime (a test file per runtime keeps each file well under a minute). */
export function transferSuite(runtime: string, kind: 'single' | 'multi'): void {
  const tmp = tempDir();
  after(() => tmp.remove());
  const single = join(tmp.dir, 'seed', 'single.bin');
  if (kind === 'single') writeRandom(single, 3 * 1024 * 1024 + 12_345);
  const folder = join(tmp.dir, 'seed', 'folder');
  const files = kind === 'multi' ? writeRandomFolder(folder) : {};

  if (kind === 'single') test(`${runtime}: a single-file torrent arrives whole`, { timeout: 45_000 }, async () => {
    await transfer(runtime, single, join(tmp.dir, 'single'));
    assertSameFile(join(tmp.dir, 'single', `out-${runtime}`, 'single.bin'), single);
  });
  if (kind === 'multi') test(`${runtime}: a multi-file torrent arrives whole`, { timeout: 45_000 }, async () => {
    await transfer(runtime, folder, join(tmp.dir, 'multi'));
    for (const path of Object.keys(files)) assertSameFile(join(tmp.dir, 'multi', `out-${runtime}`, 'folder', path), join(folder, path));
  });
}
