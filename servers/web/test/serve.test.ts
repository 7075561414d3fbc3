/** `pnpm serve web ...` as a process: prints its URL, serves, and exits 0 on SIGTERM; bad launches exit 1. */

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { makeFixture, type Fixture } from './helpers/fixture.ts';
import { get } from './helpers/http-client.ts';
import { RUNTIMES } from './helpers/runtimes.ts';

const SERVE = fileURLToPath(new URL('../../../scripts/serve.ts', import.meta.url));

function launch(args: string[]): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [SERVE, 'web', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before printing a URL:\n${output}`));
    });
  });
  url.catch(() => {});
  return { child, output: () => output, url };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('pnpm serve web', () => {
  let fx: Fixture;
  before(async () => {
    fx = await makeFixture();
  });
  after(() => fx.remove());

  for (const runtime of RUNTIMES) {
    test(`${runtime}: prints its URL, serves the root, exits 0 on SIGTERM`, async () => {
      const { child, url, output } = launch(['--runtime', runtime, '--port', '0', '--root', fx.root]);
      try {
        const base = await url;
        const port = Number(new URL(base).port);
        assert.ok(port > 0);
        const r = await get(port, '/hello.txt');
        assert.equal(r.status, 200);
        assert.equal(r.body.toString(), 'hello, world\n');
        child.kill('SIGTERM');
        assert.equal(await exitCode(child), 0, output());
      } finally {
        child.kill('SIGKILL');
      }
    });
  }

  test('a root that does not exist: exit 1 with a message', async () => {
    const { child, output } = launch(['--port', '0', '--root', '/nonexistent/flux-web-root']);
    assert.equal(await exitCode(child), 1);
    assert.match(output(), /root directory/);
  });

  test('a port in use: exit 1 with a message', async () => {
    const blocker = createServer();
    blocker.listen({ host: '127.0.0.1', port: 0 });
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const { child, output } = launch(['--port', String(port), '--root', fx.root]);
      assert.equal(await exitCode(child), 1);
      assert.match(output(), /EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  test('an unknown server name: exit 1 with the list', async () => {
    const child = spawn(process.execPath, [SERVE, 'nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
    assert.equal(await exitCode(child), 1);
    assert.match(output, /no server "nope".*web/);
  });
});
