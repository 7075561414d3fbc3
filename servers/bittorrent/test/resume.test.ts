/**
 * Restart and resume: a download folder left half done by a killed leecher (part of the data right, one piece of
 * it damaged, the rest never written) is checked on start: exactly the pieces that match their hashes count as
 * had, nothing else. The leecher is killed, started again against a seeder, and completes byte for byte.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMetainfo } from '../src/metainfo/metainfo.ts';
import { startPeer, type PeerProcess } from './helpers/peer-process.ts';
import { assertSameFile, tempDir, until, within, writeRandom } from './helpers/files.ts';

const tmp = tempDir();
const live: PeerProcess[] = [];
after(async () => {
  for (const p of live) await p.stop(1000);
  tmp.remove();
});

test('a partial download is verified on start, and completes after a kill and a restart', { timeout: 50_000 }, async () => {
  const file = join(tmp.dir, 'seed', 'data.bin');
  const data = writeRandom(file, 2 * 1024 * 1024 + 999);
  const torrent = join(tmp.dir, 'data.torrent');
  const seeder = await startPeer(['--runtime', 'event', '--port', '0', '--seed', file, '--torrent-out', torrent, '--piece-length', '32768']);
  live.push(seeder);
  const meta = await parseMetainfo(readFileSync(torrent));

  // What a killed download leaves: the first 40 pieces written, piece 7 of them damaged, the rest absent.
  const out = join(tmp.dir, 'out');
  mkdirSync(out, { recursive: true });
  const partial = Buffer.from(data.subarray(0, 40 * meta.pieceLength));
  partial[7 * meta.pieceLength + 100] ^= 0xff;
  writeFileSync(join(out, 'data.bin'), partial);

  const first = await startPeer(['--runtime', 'event', '--port', '0', '--torrent', torrent, '--out', out]);
  live.push(first);
  await until('the check of the data on disk', () => /pieces verified on disk/.test(first.output()));
  assert.match(first.output(), new RegExp(`bittorrent: 39 of ${meta.numPieces} pieces verified on disk`));
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await startPeer(['--runtime', 'event', '--port', '0', '--torrent', torrent, '--out', out,
    '--peer', `127.0.0.1:${seeder.port}`, '--exit-on-complete']);
  live.push(second);
  assert.equal(await within(second.exited, 30_000, () => second.output()), 0, second.output());
  assert.match(second.output(), new RegExp(`bittorrent: 39 of ${meta.numPieces} pieces verified on disk`));
  assertSameFile(join(out, 'data.bin'), file);
});
