/**
 * Connection churn against the web server as a process: 10,000 connections, 100 at a time, taking in turn half a
 * request then close, a reset at once, a whole request then a reset (test/helpers/churn.ts). Prints how long the
 * churn took, when the open descriptors were back to their count before it, resident memory before and 3 s
 * after, and whether the server still answers.
 *
 *   node servers/web/bench/churn.bench.ts --runtime thread [--connections 10000]
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { churn, openFds, residentBytes } from '../test/helpers/churn.ts';
import { launchServe } from '../test/helpers/serve-process.ts';

const { values } = parseArgs({ options: { runtime: { type: 'string', default: 'event' }, connections: { type: 'string', default: '10000' } } });
const root = mkdtempSync(join(tmpdir(), 'flux-churn-'));
writeFileSync(join(root, 'hello.txt'), 'hello\n');
const { child, port } = await launchServe(['--runtime', values.runtime, '--port', '0', '--root', root]);
const pid = child.pid!;
await churn(port, 30, 10, '/hello.txt'); // warm up
await new Promise((r) => setTimeout(r, 2000));
const fds = openFds(pid);
const rss = residentBytes(pid);
const t0 = Date.now();
const result = await churn(port, Number(values.connections), 100, '/hello.txt');
const took = Date.now() - t0;
let backAfter = -1;
for (let t = 0; t < 10_000; t += 100) {
  if (openFds(pid) <= fds) {
    backAfter = t;
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 3000));
const settled = residentBytes(pid);
const answer = await fetch(`http://127.0.0.1:${port}/hello.txt`);
console.log(
  `${values.runtime}: churn ${took} ms (${result.failed} failed to connect); descriptors ${fds}, back after ${backAfter < 0 ? 'more than 10 s' : `${backAfter} ms`}; ` +
    `resident ${(rss / 1e6).toFixed(0)} -> ${(settled / 1e6).toFixed(0)} MB (${(settled / rss).toFixed(2)}x); then ${answer.status}`,
);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(root, { recursive: true, force: true });
