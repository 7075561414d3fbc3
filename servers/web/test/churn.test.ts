/**
 * Connection churn under `thread`, against `serve.ts` as a process: connections that send half a request, reset,
 * or send a request and reset before the answer, then vanish. Afterwards the server's open descriptors come back
 * to what they were, its resident memory stays within 1.5 times what it was, and it still answers.
 *
 * 2,000 connections here (CI has 2 cores); the README of the runtime gives the figures for 10,000, measured with the
 * same helper. "Before" is the server after one request, once that request's worker has ended: the first worker a
 * process starts leaves some memory behind for good (Node and V8 process-wide state), churn or no churn.
 */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { churn, openFds, residentBytes } from './helpers/churn.ts';
import { makeFixture, type Fixture } from './helpers/fixture.ts';
import { RUNTIMES } from './helpers/runtimes.ts';
import { launchServe } from './helpers/serve-process.ts';

const CONNECTIONS = 2_000;
const IN_FLIGHT = 50;

async function waitFor(condition: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One GET on a connection of its own, closed after the answer; resolves with the status code. */
function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}

async function launch(root: string): Promise<{ child: ChildProcess; port: number }> {
  return launchServe(['--runtime', 'thread', '--port', '0', '--root', root]);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000); // a process that cannot exit must not outlive the test
  await exited;
  clearTimeout(timer);
}

describe('connection churn', () => {
  let fx: Fixture;
  before(async () => {
    fx = await makeFixture();
    await writeFile(join(fx.root, 'file10k.bin'), Buffer.alloc(10 * 1024, 7));
  });
  after(() => fx.remove());

  if (RUNTIMES.includes('thread')) {
    test(`thread: after ${CONNECTIONS} connections that vanish, descriptors and memory come back and the server answers`, async (t) => {
      const { child, port } = await launch(fx.root);
      const pid = child.pid!;
      try {
        const listening = openFds(pid);
        assert.equal(await get(port, '/file10k.bin'), 200);
        await waitFor(() => openFds(pid) <= listening, 'the first request\'s worker to end', 10_000);
        const before = { fds: openFds(pid), rss: residentBytes(pid) };

        const result = await churn(port, CONNECTIONS, IN_FLIGHT, '/file10k.bin');
        assert.equal(result.failed, 0);

        const churned = performance.now();
        await waitFor(() => openFds(pid) <= before.fds, 'descriptors to come back', 10_000);
        t.diagnostic(`descriptors back to ${before.fds} after ${(performance.now() - churned).toFixed(0)} ms`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const rss = residentBytes(pid);
        t.diagnostic(`resident memory ${(rss / before.rss).toFixed(2)} times what it was before the churn`);
        assert.ok(rss <= before.rss * 1.5, `resident memory ${(rss / 2 ** 20).toFixed(0)} MB, before ${(before.rss / 2 ** 20).toFixed(0)} MB`);
        assert.equal(await get(port, '/file10k.bin'), 200, 'still answering');
      } finally {
        await stop(child);
      }
    });
  }
});
