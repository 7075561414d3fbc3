/**
 * Slow and vanishing readers, and SIGTERM with downloads in flight, against `serve.ts` as a process under every
 * runtime: what the server holds for a reader that stops reading is bounded (asserted on its resident memory),
 * a client that goes away mid-stream frees what it held, and a graceful stop delivers every byte already
 * promised before it exits 0.
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIMES } from './helpers/runtimes.ts';
import { launchServe, type ServeProcess } from './helpers/serve-process.ts';

const BIG = 300 * 1024 * 1024;
const MEDIUM = 5 * 1024 * 1024;
/** Bytes of growth allowed over idle while 4 readers hold a 300 MB download each without reading. */
const STALLED_GROWTH_LIMIT = 64 * 1024 * 1024;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (match === null) throw new Error('no VmRSS');
  return Number(match[1]) * 1024;
}

function launch(runtime: string, root: string): Promise<ServeProcess> {
  // Under `thread`, --threads is how many workers start without waiting: four, one per reader below.
  const threads = runtime === 'thread' ? '4' : '2';
  return launchServe(['--runtime', runtime, '--port', '0', '--root', root, '--threads', threads, '--stop-deadline-ms', '20000']);
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  return code as number | null;
}

/** Sends a GET and returns the socket, paused: nothing is read until the test says so. */
async function request(port: number, path: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
  return socket;
}

async function openConnection(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** One keep-alive request on `socket`, its whole (small) response read; the socket is paused afterwards. */
function exchange(socket: Socket, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length - end - 4 < length) return;
      socket.off('data', onData);
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`);
  });
}

/** Reads the whole response slowly (a pause between chunks); resolves with the body length it got. */
function readSlowly(socket: Socket, pauseMs: number): Promise<{ declared: number; body: number }> {
  return new Promise((resolve, reject) => {
    let head = '';
    let declared = -1;
    let body = 0;
    socket.on('data', (chunk: Buffer) => {
      if (declared < 0) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        declared = Number(/content-length: (\d+)/i.exec(head.slice(0, end))?.[1] ?? -1);
        body += Buffer.byteLength(head.slice(end + 4), 'latin1');
      } else body += chunk.length;
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
    });
    socket.once('end', () => resolve({ declared, body }));
    socket.once('error', reject);
    socket.resume();
  });
}

describe('slow readers and graceful stop', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'flux-web-slow-'));
    await writeFile(join(root, 'big.bin'), '');
    await truncate(join(root, 'big.bin'), BIG); // sparse: no disk used, reads as zeros
    await writeFile(join(root, 'medium.bin'), Buffer.alloc(MEDIUM, 0x61));
    await writeFile(join(root, 'small.txt'), 'ok\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const runtime of RUNTIMES) {
    test(`${runtime}: four stalled readers of a 300 MB file cost bounded memory; vanishing readers free it`, async () => {
      const server = await launch(runtime, root);
      try {
        // Four keep-alive connections, each answered once first, at the same time: under `thread` each starts a
        // worker and keeps it for its next flow (nobody else needs it), so what grows below is what the server
        // buffers for readers that stop reading, not threads.
        const readers = await Promise.all([1, 2, 3, 4].map(() => openConnection(server.port)));
        await Promise.all(readers.map((r) => exchange(r, '/small.txt')));
        const idle = rssOf(server.child.pid!);
        for (const r of readers) r.write('GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n'); // and never read
        // Long enough for a server without backpressure to read hundreds of MB into memory.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const stalled = rssOf(server.child.pid!);
        assert.ok(stalled - idle < STALLED_GROWTH_LIMIT, `resident memory grew by ${((stalled - idle) / 1e6).toFixed(0)} MB (idle ${(idle / 1e6).toFixed(0)} MB)`);
        for (const r of readers) r.destroy();
        // The server still answers, and the vanished readers' streams end.
        const after = await request(server.port, '/small.txt');
        const got = await readSlowly(after, 0);
        assert.equal(got.body, 3);
      } finally {
        assert.equal(await stop(server.child), 0, server.output());
      }
    });

    test(`${runtime}: SIGTERM with slow 5 MB downloads in flight delivers every byte, then exits 0`, async () => {
      const server = await launch(runtime, root);
      const downloads = 20;
      const sockets = await Promise.all(Array.from({ length: downloads }, () => request(server.port, '/medium.bin')));
      const results = sockets.map((s) => readSlowly(s, 2));
      await new Promise((resolve) => setTimeout(resolve, 300)); // every download under way
      const code = await stop(server.child);
      const got = await Promise.all(results);
      for (const r of got) {
        assert.equal(r.declared, MEDIUM);
        assert.equal(r.body, MEDIUM, 'the whole body arrived');
      }
      assert.equal(code, 0, server.output());
    });
  }
});
