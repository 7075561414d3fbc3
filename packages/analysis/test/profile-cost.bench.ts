/**
 * What recording the profile costs a flow, in this process and without sockets: the web server's cache-hit
 * flow (ReadRequest -> Lookup -> SendCached, answered to a connection that is not there) under the event
 * runtime, at several timing sample rates, and optionally the same flow under another checkout's runtime
 * (`--baseline-root`, e.g. the runtime before the profile existed), all loaded in this one process. Rounds
 * of `--n` flows alternate between the targets; the minimum round is the figure least disturbed by other work
 * on the machine, the median is printed too.
 *
 *   node packages/analysis/test/profile-cost.bench.ts [--every 0,64] [--rounds 40] [--n 20000]
 *        [--baseline-root /tmp/flux-before]
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    every: { type: 'string', default: '0,64' },
    rounds: { type: 'string', default: '40' },
    n: { type: 'string', default: '20000' },
    bytes: { type: 'string', default: '10240' },
    'baseline-root': { type: 'string' },
  },
});
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'flux-profile-cost-'));
writeFileSync(join(root, 'file.bin'), Buffer.alloc(Number(values.bytes), 7));
const head = 'GET /file.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bench\r\nAccept: */*';
const conn = { id: -1, remoteAddress: '', remotePort: 0 };

interface Target {
  label: string;
  dispatch: () => unknown;
  stop: () => Promise<void>;
  rounds: number[];
}

/** Starts the web server from checkout `checkout` in this process; its modules are that checkout's own. */
async function target(label: string, checkout: string, stats: { timingSampleEvery?: number } | undefined): Promise<Target> {
  const url = (p: string): string => pathToFileURL(join(checkout, p)).href;
  const runtime = (await import(url('packages/runtime/src/index.ts'))) as typeof import('@flux/runtime');
  const { kInstance } = (await import(url('packages/runtime/src/symbols.ts'))) as typeof import('@flux/runtime/symbols.ts');
  const { webServer } = (await import(url('servers/web/src/server.ts'))) as typeof import('../../../servers/web/src/server.ts');
  const { ir } = webServer.compile();
  const server = await runtime.start({
    ir,
    implementation: webServer.definition.implementation,
    runtime: 'event',
    ...(stats === undefined ? {} : { stats }),
    options: { root, port: 0, host: '127.0.0.1' },
  });
  const instance = (server as unknown as Record<symbol, { dispatch(s: number, o: unknown[], k: unknown): unknown }>)[kInstance]!;
  await instance.dispatch(0, [conn, head], conn.id); // the miss that fills the cache
  return { label, dispatch: () => instance.dispatch(0, [conn, head], conn.id), stop: () => server.stop(), rounds: [] };
}

const n = Number(values.n);
const targets: Target[] = [];
try {
  if (values['baseline-root'] !== undefined) targets.push(await target('baseline-root every=64', values['baseline-root'], { timingSampleEvery: 64 }));
  for (const every of values.every.split(',')) targets.push(await target(`every=${every}`, repo, { timingSampleEvery: Number(every) }));
  for (const t of targets) for (let i = 0; i < n; i++) t.dispatch(); // warm up
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) t.dispatch();
      t.rounds.push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const base = sorted(targets[0]!.rounds)[0]!;
  console.log(`web cache-hit flow under event, no socket; ${values.rounds} alternating rounds of ${n} flows; node ${process.version}`);
  for (const t of targets) {
    const s = sorted(t.rounds);
    const min = s[0]!;
    console.log(
      `${t.label.padEnd(24)} min ${min.toFixed(0).padStart(6)} ns  median ${s[Math.floor(s.length / 2)]!.toFixed(0).padStart(6)} ns  ` +
        `min vs ${targets[0]!.label}: ${min - base >= 0 ? '+' : ''}${(min - base).toFixed(0)} ns (${(((min - base) / base) * 100).toFixed(1)}%)`,
    );
  }
} finally {
  for (const t of targets) await t.stop();
  rmSync(root, { recursive: true, force: true });
}
