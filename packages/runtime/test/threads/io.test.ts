import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '@flux/compiler';
import { start } from '../../src/start.ts';
import { withTimeout } from './helpers.ts';

const echoFile = fileURLToPath(new URL('../fixtures/echo/echo.flux', import.meta.url));

for (const runtime of ['threadpool', 'thread'] as const) {
  test(`${runtime}: io calls made by node code on workers reach the socket on the main thread`, async () => {
    const { ir } = compile(readFileSync(echoFile, 'utf8'), echoFile);
    assert.ok(ir);
    let reportPort!: (port: number) => void;
    const gotPort = new Promise<number>((resolve) => (reportPort = resolve));
    const server = await start({
      ir,
      implementation: new URL('../fixtures/echo/echo.ts', import.meta.url),
      runtime,
      threads: 2,
      options: { onListening: (p: number) => reportPort(p) },
    });
    const port = await withTimeout(gotPort, 'listening');
    const socket = connect({ host: '127.0.0.1', port });
    try {
      await withTimeout(once(socket, 'connect'), 'connect');
      socket.setEncoding('utf8');
      const ended = once(socket, 'end');
      let received = '';
      socket.on('data', (chunk: string) => (received += chunk));
      const exchange = async (line: string, expected: string): Promise<void> => {
        const before = received.length;
        socket.write(`${line}\n`);
        await withTimeout(
          (async () => {
            while (received.length < before + expected.length) await new Promise((resolve) => setTimeout(resolve, 2));
          })(),
          `reply to ${line}`,
        );
        assert.equal(received.slice(before), expected);
      };
      await exchange('hello', 'HELLO\n');
      await exchange('flux on threads', 'FLUX ON THREADS\n');
      await exchange('boom', 'error\n'); // the handler wrote it, on the worker
      await exchange('views', 'pooled view whole\n');
      await exchange('quit', 'bye\n');
      await withTimeout(ended, 'the server ended the connection');
    } finally {
      socket.destroy();
      await withTimeout(server.stop({ deadlineMs: 1000 }), 'stop');
    }
  });
}
