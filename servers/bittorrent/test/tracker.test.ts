/**
 * An HTTP tracker (a local bittorrent-tracker server: 127.0.0.1, http only) introduces a Flux seeder and a Flux
 * leecher that know nothing of each other otherwise; the leecher finds the seeder in the compact peer list and
 * completes byte for byte.
 */

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Server } from 'bittorrent-tracker';
import { startPeer, type PeerProcess } from './helpers/peer-process.ts';
import { assertSameFile, tempDir, within, writeRandom } from './helpers/files.ts';

const tmp = tempDir();
const live: PeerProcess[] = [];
let tracker: Server | undefined;
after(async () => {
  for (const p of live) await p.stop(1000);
  // fetch keeps connections alive: close them, or the server's close would wait for them.
  tracker?.http?.closeAllConnections();
  await new Promise<void>((resolve) => (tracker === undefined ? resolve() : tracker.close(() => resolve())));
  tmp.remove();
});

test('peers found through an HTTP tracker announce (compact list)', { timeout: 50_000 }, async () => {
  tracker = new Server({ udp: false, ws: false, http: true, stats: false, trustProxy: false });
  const announces: string[] = [];
  tracker.on('start', (addr: string) => announces.push(addr));
  await new Promise<void>((resolve) => tracker!.listen(0, '127.0.0.1', () => resolve()));
  const port = (tracker.http!.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}/announce`;

  const file = join(tmp.dir, 'data.bin');
  writeRandom(file, 2 * 1024 * 1024 + 4321);
  const torrent = join(tmp.dir, 'data.torrent');
  const seeder = await startPeer(['--runtime', 'event', '--port', '0', '--seed', file, '--torrent-out', torrent, '--tracker', url]);
  live.push(seeder);
  await within((async () => { while (announces.length < 1) await new Promise((r) => setTimeout(r, 50)); })(), 15_000, () => `no announce:\n${seeder.output()}`);
  const leecher = await startPeer(['--runtime', 'event', '--port', '0', '--torrent', torrent, '--out', join(tmp.dir, 'out'), '--tracker', url, '--exit-on-complete']);
  live.push(leecher);
  assert.equal(await within(leecher.exited, 30_000, () => leecher.output()), 0, leecher.output());
  assertSameFile(join(tmp.dir, 'out', 'data.bin'), file);
  assert.ok(announces.length >= 2, `both peers announced (${announces.join(', ')})`);
});
