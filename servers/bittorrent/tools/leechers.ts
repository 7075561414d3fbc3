/**
 * Side by side on one Flux seeder (so both see the same machine load): a Flux leecher and a webtorrent leecher
 * (test/interop/helpers/webtorrent-peer.ts), alternating, --runs times each. Prints MiB/s (from the leecher's
 * start to its completion report, so process start-up is included for both) and CPU seconds per GiB.
 *
 *   node servers/bittorrent/tools/leechers.ts --mib 256 --runtime event --runs 3 [--seeder flux|webtorrent]
 *
 * With --seeder webtorrent the one seeder is a webtorrent process instead (webtorrent -> Flux beside
 * webtorrent -> webtorrent).
 */

import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, startPeer } from '../test/helpers/peer-process.ts';

const WEBTORRENT_PEER = fileURLToPath(new URL('../test/interop/helpers/webtorrent-peer.ts', import.meta.url));
const { values } = parseArgs({ options: {
  mib: { type: 'string', default: '256' }, runtime: { type: 'string', default: 'event' }, runs: { type: 'string', default: '3' },
  seeder: { type: 'string', default: 'flux' },
} });
const mib = Number(values.mib);
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const dir = mkdtempSync(join(tmpdir(), 'bt-leechers-'));
try {
  const file = join(dir, 'data.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  const torrent = join(dir, 'data.torrent');
  const seeder = values.seeder === 'webtorrent' ? await startWebtorrentSeeder(file, torrent) : await startPeer(['--runtime', values.runtime!, '--port', '0', '--seed', file, '--torrent-out', torrent], { timeoutMs: 120_000 });
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      for (const who of ['flux', 'webtorrent'] as const) {
        const out = join(dir, `out-${who}-${run}`);
        const seed0 = seeder.cpuSeconds();
        const t0 = performance.now();
        let pid = 0;
        let cpu = 0;
        if (who === 'flux') {
          const l = await startPeer(['--runtime', values.runtime!, '--port', '0', '--torrent', torrent, '--out', out, '--peer', `127.0.0.1:${seeder.port}`, '--exit-on-complete']);
          pid = l.pid;
          const poll = setInterval(() => { const c = cpuSecondsOf(pid); if (!Number.isNaN(c)) cpu = c; }, 50);
          await l.completed();
          clearInterval(poll);
          await l.exited;
        } else {
          const config = { mode: 'leech', torrent, out, peers: [`127.0.0.1:${seeder.port}`], exitOnDone: true };
          const child = spawn(process.execPath, [WEBTORRENT_PEER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
          pid = child.pid!;
          const poll = setInterval(() => { const c = cpuSecondsOf(pid); if (!Number.isNaN(c)) cpu = c; }, 50);
          await new Promise<void>((resolve, reject) => {
            let text = '';
            child.stdout!.on('data', (d: Buffer) => {
              text += d.toString();
              if (text.includes('"event":"done"')) resolve();
            });
            child.once('exit', (code) => (text.includes('"event":"done"') ? resolve() : reject(new Error(`webtorrent leecher exited ${code}: ${text}`))));
          });
          clearInterval(poll);
          // It exits by itself once done (exitOnDone); a signal only if it lingers.
          const lingering = setTimeout(() => child.kill('SIGTERM'), 10_000);
          await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
          clearTimeout(lingering);
        }
        const seconds = (performance.now() - t0) / 1000;
        const seedCpu = seeder.cpuSeconds() - seed0;
        console.log(JSON.stringify({ seeder: values.seeder, leecher: who, runtime: values.runtime, mib, run, mibPerS: +(mib / seconds).toFixed(1), seconds: +seconds.toFixed(2),
          leecherCpuSPerGiB: +(cpu / (mib / 1024)).toFixed(2), seederCpuSPerGiB: +(seedCpu / (mib / 1024)).toFixed(2), loadavg: load() }));
        rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    await seeder.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A webtorrent seeder process, with what the loop above uses of a Flux one. */
async function startWebtorrentSeeder(file: string, torrentOut: string): Promise<{ port: number; cpuSeconds(): number; stop(): Promise<void> }> {
  const config = { mode: 'seed', path: file, torrentOut };
  const child = spawn(process.execPath, [WEBTORRENT_PEER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /"event":"ready","port":(\d+)/.exec(text);
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`webtorrent seeder exited ${code}: ${text}`)));
  });
  return {
    port,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
