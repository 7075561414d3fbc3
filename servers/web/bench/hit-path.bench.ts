/**
 * What a cache hit costs, piece by piece, in this process (no sockets): parsing the head, the cache lookup with
 * and without the per-thread response memo, and a whole flow through the event runtime (ReadRequest -> Lookup ->
 * SendCached, writing to a connection that is not there). Median of 5 rounds of N calls each.
 *
 *   node servers/web/bench/hit-path.bench.ts [--bytes 10240] [--n 200000] [--timing-every 64]
 *
 * `--timing-every` is the runtime's node timing sample (StatsOptions.timingSampleEvery; 0 turns it off).
 */

import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { start } from '@flux/runtime';
import { kInstance } from '@flux/runtime/symbols.ts';
import type { RuntimeInstance } from '@flux/runtime/core/core.ts';
import { FileCache } from '../src/cache/file-cache.ts';
import { parseRequestHead } from '../src/http/parse.ts';
import { webServer } from '../src/server.ts';

const { values } = parseArgs({
  options: { bytes: { type: 'string', default: '10240' }, n: { type: 'string', default: '200000' }, 'timing-every': { type: 'string', default: '64' } },
});
const bytes = Number(values.bytes);
const n = Number(values.n);

const root = mkdtempSync(join(tmpdir(), 'flux-web-hit-'));
const file = join(root, 'file.bin');
writeFileSync(file, Buffer.alloc(bytes, 7));
const head = 'GET /file.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*';

function measure(name: string, fn: () => unknown): void {
  for (let i = 0; i < n / 10; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} ${rounds[2]!.toFixed(0).padStart(6)} ns`);
}

function cacheWith(memoBytes: number): FileCache {
  const options = { capacityBytes: 64 * 1024 * 1024, maxFileBytes: 1024 * 1024, revalidateMs: 1000, memoBytes };
  const cache = new FileCache(new SharedArrayBuffer(FileCache.byteLength(options)), options);
  const info = statSync(file);
  cache.store('/file.bin', { path: file, statPath: file, size: info.size, mtimeMs: info.mtimeMs, body: readFileSync(file) });
  return cache;
}

console.log(`hit path, ${bytes}-byte file, node ${process.version}`);
const request = parseRequestHead(head);
measure('parseRequestHead (4 lines)', () => parseRequestHead(head));
const copying = cacheWith(0);
measure('lookup: copy out of shared memory', () => copying.lookup(request));
const memoised = cacheWith(16 * 1024 * 1024);
measure('lookup: response memo', () => memoised.lookup(request));

const { ir } = webServer.compile();
const server = await start({
  ir,
  implementation: webServer.definition.implementation,
  runtime: 'event',
  stats: { timingSampleEvery: Number(values['timing-every']) },
  options: { root, port: 0, host: '127.0.0.1' },
});
const instance = (server as unknown as Record<symbol, RuntimeInstance>)[kInstance]!;
// A connection id no socket has: the response is built and handed to `io`, which drops it.
const conn = { id: -1, remoteAddress: '', remotePort: 0 };
await instance.dispatch(0, [conn, head], conn.id); // the miss that fills the cache
measure('whole flow under event (hit, no socket)', () => instance.dispatch(0, [conn, head], conn.id));
await server.stop();
rmSync(root, { recursive: true, force: true });
