/**
 * Four clients that request a 300 MB file and never read: the server's resident memory before and 3 s after.
 *
 *   node servers/web/bench/stalled-readers.bench.ts --runtime threadpool [--serve <path to a serve.ts>]
 *
 * `--serve` runs another checkout's server (before/after). The file is sparse: no disk space, reads as zeros.
 */

import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchServe, SERVE } from '../test/helpers/serve-process.ts';

const { values } = parseArgs({
  options: { runtime: { type: 'string', default: 'event' }, serve: { type: 'string', default: SERVE } },
});
const root = mkdtempSync(join(tmpdir(), 'flux-stalled-'));
writeFileSync(join(root, 'big.bin'), '');
truncateSync(join(root, 'big.bin'), 300 * 1024 * 1024);
const { child, port } = await launchServe(['--runtime', values.runtime, '--port', '0', '--root', root, '--threads', '2'], values.serve);
const rssMb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
await new Promise((r) => setTimeout(r, 500));
const idle = rssMb();
const sockets = [1, 2, 3, 4].map(() => {
  const s = connect(port, '127.0.0.1');
  s.pause();
  s.write('GET /big.bin HTTP/1.1\r\nHost: bench\r\n\r\n');
  return s;
});
await new Promise((r) => setTimeout(r, 3000));
console.log(`${values.runtime}: idle ${idle.toFixed(0)} MB, after 3 s of 4 stalled readers ${rssMb().toFixed(0)} MB`);
for (const s of sockets) s.destroy();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(root, { recursive: true, force: true });
