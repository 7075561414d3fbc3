/**
 * Writes the profile fixture the tests read: runs the web server (`servers/web/serve.ts`) under a runtime
 * with --stats-out for a few seconds of keep-alive load over a small file set (hits, a 404, a directory
 * index), stops it with SIGTERM, and keeps the snapshot it wrote.
 *
 *   node packages/analysis/test/profile-fixture/generate.ts [--runtime event] [--seconds 3] [--connections 8]
 *        [--out packages/analysis/test/profile-fixture/web-event.stats.json]
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'event' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    out: { type: 'string' },
  },
});
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const out = values.out ?? join(here, `web-${values.runtime}.stats.json`);

const dir = mkdtempSync(join(tmpdir(), 'flux-profile-fixture-'));
const root = join(dir, 'root');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title><p>hello</p>\n');
writeFileSync(join(root, 'small.txt'), 'x'.repeat(1024));
writeFileSync(join(root, 'large.bin'), Buffer.alloc(200 * 1024, 7));
writeFileSync(join(root, 'docs', 'index.html'), '<!doctype html><p>docs</p>\n');
// Weighted like a web workload: mostly small hits, some large, a few misses and directory indexes.
const paths = ['/small.txt', '/small.txt', '/small.txt', '/index.html', '/small.txt', '/large.bin', '/docs/', '/missing.txt', '/small.txt', '/index.html'];
const statsFile = join(dir, 'stats.json');

const server = spawn(
  process.execPath,
  [join(repo, 'servers/web/serve.ts'), '--runtime', values.runtime, '--port', '0', '--root', root, '--stats-out', statsFile],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const url = await new Promise<string>((resolveUrl, reject) => {
    let text = '';
    server.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /http:\/\/[^\s/]+:\d+/.exec(text);
      if (m !== null) resolveUrl(m[0]);
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: Number(values.connections) });
  const until = Date.now() + Number(values.seconds) * 1000;
  let requests = 0;
  const client = async (k: number): Promise<void> => {
    for (let i = k; Date.now() < until; i++) {
      await new Promise<void>((done, fail) => {
        get(`${url}${paths[i % paths.length]}`, { agent }, (res) => {
          res.resume();
          res.on('end', done);
        }).on('error', fail);
      });
      requests++;
    }
  };
  await Promise.all(Array.from({ length: Number(values.connections) }, (_, k) => client(k)));
  agent.destroy();
  server.kill('SIGTERM');
  const [code] = (await once(server, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the server exited with ${code}`);
  copyFileSync(statsFile, out);
  console.log(`${requests} requests; wrote ${out}`);
} finally {
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
