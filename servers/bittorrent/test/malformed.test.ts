/**
 * Bad input from raw sockets against a Flux seeder: each malformed message (and a wrong info hash, garbage, a
 * stall) closes that connection, and an honest peer connected all along keeps getting blocks.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMetainfo, type Metainfo } from '../src/metainfo/metainfo.ts';
import { startPeer, type PeerProcess } from './helpers/peer-process.ts';
import { tempDir, writeRandom } from './helpers/files.ts';
import { BLOCK, handshakeBytes, message, RawPeer, u32s } from './helpers/raw-peer.ts';

const tmp = tempDir();
let seeder: PeerProcess;
let meta: Metainfo;
let data: Buffer;
let honest: RawPeer;
const opened: RawPeer[] = [];
let keepAlive: NodeJS.Timeout | undefined;

before(async () => {
  const file = join(tmp.dir, 'data.bin');
  data = writeRandom(file, 1024 * 1024 + 5000);
  const torrent = join(tmp.dir, 'data.torrent');
  seeder = await startPeer(['--runtime', 'event', '--port', '0', '--seed', file, '--torrent-out', torrent, '--piece-length', '32768',
    '--handshake-timeout-ms', '1500', '--stall-timeout-ms', '2000', '--keep-alive-interval-ms', '60000']);
  meta = await parseMetainfo(readFileSync(torrent));
  honest = await handshaken();
  honest.send(message(2)); // interested
  await honest.next(1); // unchoke
  // Keep the honest peer from looking stalled while the tests run.
  keepAlive = setInterval(() => honest.send(Buffer.alloc(4)), 300);
});

after(async () => {
  clearInterval(keepAlive);
  for (const p of opened) p.destroy();
  honest?.destroy();
  if (process.env['BT_DEBUG']) process.stderr.write(seeder.output());
  assert.equal(await seeder?.stop(), 0);
  tmp.remove();
});

async function raw(): Promise<RawPeer> {
  const p = await RawPeer.open(seeder.port);
  opened.push(p);
  return p;
}

async function handshaken(): Promise<RawPeer> {
  const p = await raw();
  p.send(handshakeBytes(meta.infoHash));
  await p.until('the handshake', () => p.handshake !== undefined);
  assert.deepEqual(p.handshake!.subarray(28, 48), meta.infoHash);
  return p;
}

/** The honest peer asks for a block and gets exactly the right bytes. */
async function honestStillServed(): Promise<void> {
  const piece = Math.floor(Math.random() * (meta.numPieces - 1)); // the last piece is shorter than a block
  const from = honest.messages.length;
  honest.send(message(6, u32s(piece, 0, BLOCK)));
  const got = await honest.next(7, from);
  assert.equal(got.payload.readUInt32BE(0), piece);
  assert.deepEqual(got.payload.subarray(8), data.subarray(piece * meta.pieceLength, piece * meta.pieceLength + BLOCK));
}

const afterHandshake: [string, () => Buffer][] = [
  ['a length prefix over 1 MiB', () => Buffer.concat([u32s(2 ** 20 + 1), Buffer.alloc(64)])],
  ['a choke with a payload (wrong fixed length)', () => Buffer.concat([u32s(2), Buffer.from([0, 0])])],
  ['a have of 3 bytes (wrong fixed length)', () => Buffer.concat([u32s(4), Buffer.from([4, 0, 0, 1])])],
  ['a request of 11 bytes (wrong fixed length)', () => Buffer.concat([u32s(12), Buffer.from([6]), Buffer.alloc(11)])],
  ['a bitfield of the wrong size', () => message(5, Buffer.alloc(Math.ceil(meta.numPieces / 8) + 1))],
  ['a bitfield with spare bits set', () => message(5, Buffer.alloc(Math.ceil(meta.numPieces / 8), 0xff))],
  ['a have of a piece out of range', () => message(4, u32s(meta.numPieces))],
  ['a request for piece 124134235', () => message(6, u32s(124134235, 0, BLOCK))],
  ['a request over 16 KiB', () => message(6, u32s(0, 0, 2 * BLOCK))],
  ['a request past the end of a piece', () => message(6, u32s(0, meta.pieceLength - 100, 200))],
  ['an unsolicited piece', () => message(7, Buffer.concat([u32s(0, 0), randomBytes(BLOCK)]))],
  ['a bad extended handshake', () => message(20, Buffer.concat([Buffer.from([0]), Buffer.from('not bencoding')]))],
];

for (const [name, bytes] of afterHandshake) {
  test(`${name} closes that connection; others keep going`, async () => {
    const p = await handshaken();
    p.send(bytes());
    await p.waitClosed();
    await honestStillServed();
  });
}

test('a handshake for another torrent is closed without an answer', async () => {
  const p = await raw();
  p.send(handshakeBytes(randomBytes(20)));
  await p.waitClosed();
  assert.equal(p.handshake, undefined);
  await honestStillServed();
});

test('garbage instead of a handshake is closed', async () => {
  const p = await raw();
  p.send(randomBytes(300));
  await p.waitClosed();
  // The MSE responder may answer with its key before giving up; never with a BitTorrent handshake.
  assert.ok(!Buffer.concat(p.messages.map((m) => m.payload)).includes('BitTorrent protocol') && !(p.handshake ?? Buffer.alloc(0)).includes('BitTorrent protocol'));
  await honestStillServed();
});

test('a peer that stops in the middle of its handshake is closed', async () => {
  const p = await raw();
  p.send(handshakeBytes(meta.infoHash).subarray(0, 30));
  await p.waitClosed();
  await honestStillServed();
});

test('a peer that says nothing after its handshake is closed once it stalls', async () => {
  const p = await handshaken();
  const t0 = Date.now();
  await p.waitClosed(10_000);
  assert.ok(Date.now() - t0 >= 1500, 'closed before the stall timeout');
  await honestStillServed();
});
