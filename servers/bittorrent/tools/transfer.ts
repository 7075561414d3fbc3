/**
 * Measures one Flux -> Flux transfer over loopback: two serve.ts processes, a file of --mib MiB of random bytes
 * in a temp dir, the leecher started with --exit-on-complete. Prints MiB/s (from the leecher's start to its
 * completion line), CPU seconds per GiB of each side (/proc/<pid>/stat), and the load average.
 *
 *   node servers/bittorrent/tools/transfer.ts --mib 256 --runtime event [--seeder-runtime r] [--runs 3]
 */

import { randomFillSync } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPeer } from '../test/helpers/peer-process.ts';

const { values } = parseArgs({ options: {
  mib: { type: 'string', default: '256' }, runtime: { type: 'string', default: 'event' },
  'seeder-runtime': { type: 'string' }, runs: { type: 'string', default: '1' }, extra: { type: 'string', default: '' },
} });
const mib = Number(values.mib);
const runtime = values.runtime!;
const seederRuntime = values['seeder-runtime'] ?? runtime;
const extra = values.extra === '' ? [] : values.extra!.split(' ');

const dir = mkdtempSync(join(tmpdir(), 'bt-transfer-'));
try {
  const file = join(dir, 'data.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  const torrent = join(dir, 'data.torrent');
  const seeder = await startPeer(['--runtime', seederRuntime, '--port', '0', '--seed', file, '--torrent-out', torrent, ...extra], { timeoutMs: 120_000 });
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      const out = join(dir, `out${run}`);
      const seedCpu0 = seeder.cpuSeconds();
      const t0 = performance.now();
      const leecher = await startPeer(['--runtime', runtime, '--port', '0', '--torrent', torrent, '--out', out, '--peer', `127.0.0.1:${seeder.port}`, '--exit-on-complete', ...extra]);
      const tListen = performance.now();
      let leechCpu = 0;
      const poll = setInterval(() => { const c = leecher.cpuSeconds(); if (!Number.isNaN(c)) leechCpu = c; }, 50);
      await leecher.completed();
      const tDone = performance.now();
      const seedCpu = seeder.cpuSeconds() - seedCpu0;
      const code = await leecher.exited;
      clearInterval(poll);
      const seconds = (tDone - tListen) / 1000;
      const gib = mib / 1024;
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const self = /in ([\d.]+) s/.exec(leecher.output())?.[1];
      console.log(JSON.stringify({
        leecher: runtime, seeder: seederRuntime, mib, exit: code,
        mibPerS: +(mib / seconds).toFixed(1), secondsFromListen: +seconds.toFixed(2), selfReportedSeconds: self === undefined ? null : Number(self),
        processSeconds: +((tDone - t0) / 1000).toFixed(2),
        leecherCpuSPerGiB: +(leechCpu / gib).toFixed(2), seederCpuSPerGiB: +(seedCpu / gib).toFixed(2), loadavg: load,
      }));
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    await seeder.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
