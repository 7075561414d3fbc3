/**
 * SIGTERM with slow downloads in flight: `--downloads` clients each fetch a 5 MB file, reading 64 KiB at a time
 * with a 2 ms pause; once every response head has arrived the server gets SIGTERM. Prints, per run, how many
 * bodies arrived whole (and the exit code when it is not 0).
 *
 *   node servers/web/bench/sigterm-downloads.bench.ts --runtime event [--downloads 100] [--runs 10] [--serve <serve.ts>]
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchServe, SERVE } from '../test/helpers/serve-process.ts';

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', default: 'event' },
    downloads: { type: 'string', default: '100' },
    runs: { type: 'string', default: '10' },
    serve: { type: 'string', default: SERVE },
  },
});
const SIZE = 5 * 1024 * 1024;
const n = Number(values.downloads);
const root = mkdtempSync(join(tmpdir(), 'flux-sigterm-'));
writeFileSync(join(root, 'medium.bin'), Buffer.alloc(SIZE, 0x61));

let heads = 0;
function download(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let head = '';
    let body = 0;
    let inHead = true;
    s.on('data', (chunk: Buffer) => {
      if (inHead) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        inHead = false;
        heads++;
        body = head.length - end - 4;
      } else body += chunk.length;
      s.pause();
      setTimeout(() => s.resume(), 2);
    });
    s.on('close', () => resolve(body === SIZE));
    s.on('error', () => {});
    s.write('GET /medium.bin HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n');
  });
}

const results: string[] = [];
for (let run = 0; run < Number(values.runs); run++) {
  const { child, port } = await launchServe(['--runtime', values.runtime, '--port', '0', '--root', root, '--threads', '2'], values.serve);
  heads = 0;
  const all = Promise.all(Array.from({ length: n }, () => download(port)));
  while (heads < n) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGTERM');
  const [code] = await new Promise<[number | null]>((resolve) => child.once('exit', (c) => resolve([c])));
  const whole = (await all).filter(Boolean).length;
  results.push(`${whole}${code === 0 ? '' : ` (exit ${code})`}`);
}
console.log(`${values.runtime}: ${results.join(', ')} of ${n} whole`);
rmSync(root, { recursive: true, force: true });
