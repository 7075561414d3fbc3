/**
 * The serve.ts suite, run by test/serve/<runtime>.test.ts: serve.ts as a process prints its address once it
 * listens, and SIGTERM closes every WebSocket with 1001 and exits 0.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import type { RuntimeKind } from '@flux/runtime';
import { fileURLToPath } from 'node:url';
import { TestClient } from './client.ts';

const SERVE = fileURLToPath(new URL('../../serve.ts', import.meta.url));

/** The suite for one runtime (a file per runtime keeps each file's time bounded). */
export function serveSuite(runtime: RuntimeKind): void {
  describe(`serve.ts (${runtime})`, { timeout: 40_000 }, () => {
    it('prints 127.0.0.1:<port>, and on SIGTERM closes every WebSocket with 1001 and exits 0', async () => {
      const child = spawn(process.execPath, [SERVE, '--runtime', runtime, '--port', '0', '--tick-hz', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const port = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no address within 30 s:\n${output}`)), 30_000);
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const match = /127\.0\.0\.1:(\d+)/.exec(output);
            if (match !== null) {
              clearTimeout(timer);
              resolve(Number(match[1]));
            }
          });
          void exited.then(() => reject(new Error(`exited early:\n${output}`)));
        });
        const url = `http://127.0.0.1:${port}`;
        const players = await Promise.all([TestClient.joined(url, 'a'), TestClient.joined(url, 'b')]);
        await players[0].client.nextState();
        child.kill('SIGTERM');
        for (const { client } of players) assert.equal(await client.closeCode(), 1001);
        assert.equal(await exited, 0, output);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
}
