import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { benchCodes } from '../src/errors.ts';
import { findFreePort } from '../src/process/free-port.ts';
import { startTarget, type LaunchSpec } from '../src/process/target-process.ts';
import { liveChildCount } from '../src/process/children.ts';

const FAKE = fileURLToPath(new URL('./fixtures/fake-target.ts', import.meta.url));

function fake(mode: string, extra: Partial<LaunchSpec> = {}, args: string[] = []): LaunchSpec {
  return { label: `fake ${mode}`, command: process.execPath, args: [FAKE, mode, ...args], readiness: { kind: 'announce' }, ...extra };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a target that prints its URL is ready at that URL, answers, and stops cleanly', async () => {
  const target = await startTarget(fake('announce'));
  assert.match(target.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const response = await fetch(target.url);
  assert.equal(await response.text(), 'fake');
  const exit = await target.stop();
  assert.equal(exit.signal, 'SIGTERM');
  assert.equal(isAlive(target.pid), false);
  assert.equal(liveChildCount(), 0);
});

test('a target that prints nothing times out with a clear error and its stderr', async () => {
  await assert.rejects(startTarget(fake('never', { readyTimeoutMs: 500 })), (error: Error & { code?: string }) => {
    assert.equal(error.code, benchCodes.TARGET_TIMEOUT);
    assert.match(error.message, /did not print http:\/\/127\.0\.0\.1:<port> within 500 ms/);
    assert.match(error.message, /starting, slowly/);
    return true;
  });
  assert.equal(liveChildCount(), 0);
});

test('a target that exits before it is ready reports its exit code and stderr', async () => {
  await assert.rejects(startTarget(fake('crash')), (error: Error & { code?: string }) => {
    assert.equal(error.code, benchCodes.TARGET_EXITED);
    assert.match(error.message, /exit code 3/);
    assert.match(error.message, /cannot open the root folder/);
    return true;
  });
});

test('a target that announces another address than 127.0.0.1 is refused', async () => {
  await assert.rejects(startTarget(fake('foreign')), (error: Error & { code?: string }) => {
    assert.equal(error.code, benchCodes.NOT_LOOPBACK);
    return true;
  });
  assert.equal(liveChildCount(), 0);
});

test('a command that does not exist is reported as such', async () => {
  await assert.rejects(startTarget({ label: 'missing', command: '/nonexistent/server', args: [], readiness: { kind: 'announce' } }), (error: Error & { code?: string }) => {
    assert.equal(error.code, benchCodes.TARGET_SPAWN);
    return true;
  });
});

test('a silent target is ready when its HTTP probe answers', async () => {
  const port = await findFreePort();
  const target = await startTarget(fake('silent', { readiness: { kind: 'probe', url: `http://127.0.0.1:${port}/` } }, [String(port)]));
  assert.equal(target.url, `http://127.0.0.1:${port}`);
  await target.stop();
});

test('a target that ignores SIGTERM is killed after the grace period', async () => {
  const target = await startTarget(fake('stubborn'));
  const exit = await target.stop(300);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(isAlive(target.pid), false);
});

test('Ctrl-C on the harness stops the targets it started', async () => {
  const harness = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  harness.stdout.setEncoding('utf8');
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pid printed: ${output}`)), 10_000);
    harness.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /pid (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  assert.equal(isAlive(pid), true);
  harness.kill('SIGINT');
  const [code] = await once(harness, 'exit');
  assert.equal(code, 130);
  assert.equal(isAlive(pid), false);
});
