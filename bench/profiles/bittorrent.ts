/**
 * The BitTorrent profile: one file (`--size-mib`, 256 MiB by default) from a seeder to fresh leechers over loopback,
 * the Flux peer (servers/bittorrent/serve.ts, each runtime) and webtorrent 3 as seeder and as leecher in every
 * pairing: webtorrent -> webtorrent (the reference), Flux -> webtorrent, webtorrent -> Flux, Flux -> Flux. Every peer
 * is a process of its own. A target is a pairing: its seeder is started once by the harness (bench/targets/
 * bittorrent/seeder.ts) and seeds for all its runs; each run starts `--leechers` new leechers of the pairing's kind
 * (one by default), each downloading into an empty folder, and reports
 *   MiB/s              bytes delivered / (last leecher done - first leecher ready: the line with its port)
 *   transfer s         that interval
 *   seeder CPU s/GiB   the seeder's utime+stime (/proc/<pid>/stat) over the run, per GiB delivered
 *   leecher CPU s/GiB  the leechers' utime+stime from ready to exit, per GiB (start-up left out)
 *   leecher start CPU s  what a leecher used before it was ready (loading, compiling, reading the torrent)
 * A Flux leecher is done when it prints `bittorrent: complete` (else when it exits with --exit-on-complete), a
 * webtorrent one when webtorrent says 'done'.
 * Every download is checked against the payload's SHA-1; a run whose file differs fails. `--duration` bounds a run
 * (with the transfer's own allowance) and is not a length: a run is one transfer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaselineChoice, TargetDefinition } from '../src/profile.ts';
import type { PreparedScenario, ScenarioProfile } from '../src/scenario.ts';
import { cpuSecondsOf } from '../targets/bittorrent/proc-stat.ts';
import { runLeecher, type LeecherTiming } from '../targets/bittorrent/leecher.ts';
import { sha1OfFile, writePayload } from '../targets/bittorrent/payload.ts';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = dirname(BENCH_DIR);
const FLUX_PEER = join(REPO_DIR, 'servers/bittorrent/serve.ts');
const SEEDER = join(BENCH_DIR, 'targets/bittorrent/seeder.ts');
const WEBTORRENT_PEER = join(BENCH_DIR, 'targets/bittorrent/webtorrent-peer.ts');
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const PAYLOAD_NAME = 'payload.bin';
export const REFERENCE = 'webtorrent->webtorrent';

/** A side of a pairing: webtorrent, or the Flux peer under a runtime. */
type Side = { readonly kind: 'webtorrent' } | { readonly kind: 'flux'; readonly runtime: string };

interface Pairing {
  readonly seeder: Side;
  readonly leecher: Side;
}

const WEBTORRENT: Side = { kind: 'webtorrent' };

function sideId(side: Side): string {
  return side.kind === 'flux' ? `flux/${side.runtime}` : 'webtorrent';
}

function sideLabel(side: Side): string {
  return side.kind === 'flux' ? `flux (${side.runtime})` : 'webtorrent';
}

function webtorrentVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('webtorrent');
    return (JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function parseSizeMib(raw: string | undefined): number {
  if (raw === undefined) return 256;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 16384) throw new RangeError(`--size-mib must be an integer from 1 to 16384, got ${raw}`);
  return value;
}

export const bittorrentProfile: ScenarioProfile = {
  kind: 'scenario',
  name: 'bittorrent',
  summary: 'one file seeder -> leecher over loopback: the Flux peer (each runtime) and webtorrent 3 in every pairing',
  runtimes: ['event', 'threadpool', 'thread', 'workers'],
  referenceBaseline: REFERENCE,
  level: { name: 'leechers', description: 'leechers downloading at once in a run', defaults: [1] },
  metrics: [
    { name: 'mibPerSecond', label: 'MiB/s', format: 'number', better: 'higher' },
    { name: 'seconds', label: 'transfer s', format: 'number', better: 'lower' },
    { name: 'seederCpuPerGib', label: 'seeder CPU s/GiB', format: 'number', better: 'lower' },
    { name: 'leecherCpuPerGib', label: 'leecher CPU s/GiB', format: 'number', better: 'lower' },
    { name: 'leecherStartCpu', label: 'leecher start CPU s', format: 'number', better: 'lower' },
  ],
  primaryMetric: 'mibPerSecond',
  chartMetrics: ['mibPerSecond', 'leecherCpuPerGib'],
  options: [
    { flags: '--size-mib <n>', description: 'size of the file, MiB', defaultValue: '256' },
  ],

  fluxAvailable() {
    return existsSync(FLUX_PEER) ? { available: true } : { available: false, reason: `the Flux BitTorrent peer is not there (${FLUX_PEER})` };
  },

  async prepare({ seed, options, log }): Promise<PreparedScenario> {
    const sizeMib = parseSizeMib(options.sizeMib);
    const bytes = sizeMib * MIB;
    const work = await mkdtemp(join(tmpdir(), 'flux-bench-bittorrent-'));
    const payloadDir = join(work, 'payload');
    await mkdir(payloadDir);
    const payload = join(payloadDir, PAYLOAD_NAME);
    log(`writing ${sizeMib} MiB of seeded data to ${payload}`);
    const digest = await writePayload(payload, bytes, seed);
    const pairings = new Map<string, Pairing>();
    const safe = (id: string): string => id.replace(/[^a-z0-9]+/gi, '_');
    const statePath = (id: string): string => join(work, `${safe(id)}.state.json`);
    const torrentPath = (id: string): string => join(work, `${safe(id)}.torrent`);

    const seederCommand = (id: string, side: Side): string[] => side.kind === 'flux'
      ? [FLUX_PEER, '--runtime', side.runtime, '--port', '0', '--seed', payload, '--torrent-out', torrentPath(id)]
      : [WEBTORRENT_PEER, JSON.stringify({ mode: 'seed', path: payload, torrentOut: torrentPath(id) })];

    const pairingTarget = (pairing: Pairing): TargetDefinition => {
      const id = `${sideId(pairing.seeder)}->${sideId(pairing.leecher)}`;
      pairings.set(id, pairing);
      const flux = pairing.seeder.kind === 'flux' ? pairing.seeder : pairing.leecher.kind === 'flux' ? pairing.leecher : undefined;
      return {
        id,
        role: flux === undefined ? 'baseline' : 'flux',
        ...(flux?.kind === 'flux' ? { runtime: flux.runtime } : {}),
        label: `${sideLabel(pairing.seeder)} -> ${sideLabel(pairing.leecher)}`,
        launch: async () => ({
          label: id,
          command: process.execPath,
          args: [SEEDER, '--state', statePath(id), '--', process.execPath, ...seederCommand(id, pairing.seeder)],
          cwd: REPO_DIR,
          readiness: { kind: 'announce' },
          // The seeder hashes the whole file before it serves.
          readyTimeoutMs: 60_000 + sizeMib * 1000,
        }),
      };
    };

    const fluxTargets = (runtime: string): TargetDefinition[] => {
      const flux: Side = { kind: 'flux', runtime };
      return [
        pairingTarget({ seeder: flux, leecher: WEBTORRENT }),
        pairingTarget({ seeder: WEBTORRENT, leecher: flux }),
        pairingTarget({ seeder: flux, leecher: flux }),
      ];
    };

    let leechCount = 0;
    const leech = async (side: Side, torrent: string, port: number, signal: AbortSignal): Promise<{ timing: LeecherTiming; out: string }> => {
      const out = join(work, `leech-${++leechCount}`);
      await mkdir(out);
      const timing = side.kind === 'flux'
        ? await runLeecher({
          command: process.execPath,
          args: [FLUX_PEER, '--runtime', side.runtime, '--port', '0', '--torrent', torrent, '--out', out, '--peer', `127.0.0.1:${port}`, '--exit-on-complete'],
          doneLine: /^bittorrent: complete/m,
          signal,
        })
        : await runLeecher({
          command: process.execPath,
          args: [WEBTORRENT_PEER, JSON.stringify({ mode: 'leech', torrent, out, peers: [`127.0.0.1:${port}`] })],
          doneLine: /^done$/m,
          requireDoneLine: true,
          signal,
        });
      return { timing, out };
    };

    return {
      settings: { sizeMib, payloadSha1: digest, webtorrent: webtorrentVersion(), webtorrentOptions: 'utp, dht, lsd, natUpnp, natPmp, webSeeds off; secure default' },
      driver: `webtorrent ${webtorrentVersion()} and the Flux peer, each in a process of its own`,
      fluxTarget: (runtime) => fluxTargets(runtime)[0],
      fluxTargets,
      baselines: (): BaselineChoice[] => [{ available: true, target: pairingTarget({ seeder: WEBTORRENT, leecher: WEBTORRENT }) }],
      // Startup, hashing on the leecher's side, and a transfer as slow as 10 MiB/s.
      overheadSeconds: (level) => 20 + Math.ceil((level * sizeMib) / 10),
      async run(context) {
        const pairing = pairings.get(context.target.id);
        if (pairing === undefined) throw new Error(`unknown pairing ${context.target.id}`);
        const state = JSON.parse(await readFile(statePath(context.target.id), 'utf8')) as { pid: number; port: number };
        const torrent = torrentPath(context.target.id);
        const seederBefore = cpuSecondsOf(state.pid);
        const outs: string[] = [];
        try {
          const results = await Promise.all(Array.from({ length: context.level }, async () => {
            const result = await leech(pairing.leecher, torrent, state.port, context.signal);
            outs.push(result.out);
            return result;
          }));
          const seederCpu = cpuSecondsOf(state.pid) - seederBefore;
          const notes: string[] = [];
          const starts = results.map(({ timing }) => timing.readyAt ?? timing.startedAt);
          if (results.some(({ timing }) => timing.readyAt === undefined || timing.cpuAtReady === undefined)) notes.push('a leecher printed no 127.0.0.1:<port> line: timed from its start, its start-up CPU counted in the transfer');
          if (results.some(({ timing }) => !timing.doneLineSeen)) notes.push('a leecher never said it was complete: timed to its exit');
          const seconds = (Math.max(...results.map(({ timing }) => timing.doneAt)) - Math.min(...starts)) / 1000;
          for (const { out } of results) {
            const got = await sha1OfFile(join(out, PAYLOAD_NAME));
            if (got !== digest) throw new Error(`the download in ${out} differs from the payload (SHA-1 ${got}, expected ${digest})`);
          }
          const delivered = context.level * bytes;
          return {
            metrics: {
              mibPerSecond: delivered / MIB / seconds,
              seconds,
              seederCpuPerGib: seederCpu / (delivered / GIB),
              leecherCpuPerGib: results.reduce((sum, { timing }) => sum + timing.cpuSeconds - (timing.cpuAtReady ?? 0), 0) / (delivered / GIB),
              leecherStartCpu: results.reduce((sum, { timing }) => sum + (timing.cpuAtReady ?? 0), 0) / results.length,
            },
            notes,
          };
        } finally {
          await Promise.all(outs.map((out) => rm(out, { recursive: true, force: true })));
        }
      },
      async close() {
        await rm(work, { recursive: true, force: true });
      },
    };
  },
};
