/** serve.ts as a user runs it: prints its URL when ready, serves, and exits cleanly on SIGTERM. */

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { get, imageDirectory } from './helpers.ts';

const images = await imageDirectory();
after(() => images.remove());

for (const runtime of ['event', 'workers']) {
  test(`pnpm serve image-scaler --runtime ${runtime}: announces http://127.0.0.1:<port>, answers, stops on SIGTERM with status 0`, async () => {
    const script = fileURLToPath(new URL('../serve.ts', import.meta.url));
    const child = spawn(process.execPath, [script, '--runtime', runtime, '--threads', '2', '--port', '0', '--images', images.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) resolve(match[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before announcing: ${output}`)));
      });
      const reply = await get(url, '/images/landscape.jpg?w=50&format=png');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-type'], 'image/png');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      assert.equal(signal, null);
      assert.equal(code, 0);
    } finally {
      clearTimeout(killer);
    }
  });
}
