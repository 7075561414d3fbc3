/**
 * The Flux peer (serve.ts as a process, under one runtime) trading a few MiB with webtorrent 3 clients, each in a
 * process of its own, over 127.0.0.1: Flux seeding to webtorrent (webtorrent dials with MSE, its default), webtorrent
 * seeding to Flux, a tracker swarm of two of each, and a webtorrent leecher from a magnet link (metadata over
 * ut_metadata from the Flux seeder). Every downloaded file is compared byte for byte with the original.
 */

import { describe, test, before, after } from 'node:test';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import parseTorrent from 'parse-torrent';
import { fluxUnavailable, killAll, startFlux, startWebtorrent } from './helpers/processes.ts';
import { assertSameFile, writePayload } from './helpers/payload.ts';

// bittorrent-tracker ships no types; the members used are typed here.
interface TrackerServerInstance {
  readonly http: { address(): unknown } | null;
  on(event: string, listener: (...args: unknown[]) => void): void;
  listen(port: number, hostname: string): void;
  close(callback: () => void): void;
}
const TRACKER: string = 'bittorrent-tracker';
const { Server: TrackerServer } = await import(TRACKER) as { Server: new (options: object) => TrackerServerInstance };

const MIB = 1024 * 1024;
const TRANSFER_TIMEOUT_MS = 30_000;
const EVENT_TIMEOUT_MS = 30_000;
// The Flux peer takes several seconds to start on a loaded 2-core machine (it compiles its program).
const TEST_TIMEOUT_MS = 45_000;

async function infoHashOf(torrentFile: string): Promise<string> {
  const parsed = await parseTorrent(await readFile(torrentFile)) as { infoHash: string };
  return parsed.infoHash;
}

interface Tracker {
  readonly url: string;
  close(): Promise<void>;
}

async function startTracker(): Promise<Tracker> {
  const server = new TrackerServer({ udp: false, ws: false, http: true, stats: false, trustProxy: false });
  server.on('error', () => {});
  server.on('warning', () => {});
  server.listen(0, '127.0.0.1');
  await once(server as never, 'listening');
  const port = (server.http!.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/announce`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A file of tests per part and runtime, so that each stays bounded on a loaded machine: `to-webtorrent` (a Flux
 * seeder, a webtorrent leecher with its default MSE), `rc4` (the same with RC4 only), `from-webtorrent`, `swarm`,
 * `magnet`.
 */
export type InteropPart = 'to-webtorrent' | 'rc4' | 'from-webtorrent' | 'swarm' | 'magnet';

export function interopSuite(runtime: string, part: InteropPart): void {
  const unavailable = fluxUnavailable();
  const skipped = (() => {}) as unknown as typeof test;
  const testOf = (which: InteropPart): typeof test => (part === which ? test : skipped);
  describe(`interop with webtorrent 3.0.21 (${runtime}, ${part})`, { skip: unavailable }, () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), `flux-bt-interop-${runtime}-`));
    });
    after(async () => {
      killAll();
      await rm(dir, { recursive: true, force: true });
    });

    testOf('to-webtorrent')('Flux seeder -> webtorrent leecher (webtorrent dials with its default MSE)', { timeout: TEST_TIMEOUT_MS }, async () => {
      const payload = await writePayload(join(dir, 'a-src'), 'payload.bin', 3 * MIB + 12345);
      const torrent = join(dir, 'a.torrent');
      const seeder = await startFlux(runtime, ['--seed', payload, '--torrent-out', torrent]);
      try {
        const out = join(dir, 'a-webtorrent');
        const leecher = startWebtorrent({ mode: 'leech', torrent, out, peers: [`127.0.0.1:${seeder.port}`] });
        try {
          // webtorrent dialled out with MSE (its PE state machine ran to 'done'), and we selected plaintext.
          const wire = await leecher.waitFor('wire', EVENT_TIMEOUT_MS);
          assert.deepEqual({ type: wire.type, peState: wire.peState, encryptionMethod: wire.encryptionMethod }, { type: 'tcpOutgoing', peState: 'done', encryptionMethod: 1 });
          await leecher.waitFor('done', TRANSFER_TIMEOUT_MS);
          await assertSameFile(payload, join(out, 'payload.bin'));
        } finally {
          await leecher.stop();
        }
      } finally {
        assert.equal(await seeder.stop(), 0, `the Flux seeder did not exit 0 on SIGTERM:\n${seeder.output().slice(-2000)}`);
      }
    });

    testOf('rc4')('Flux seeder -> webtorrent leecher with secure: 2 (RC4 only): the whole stream encrypted', { timeout: TEST_TIMEOUT_MS }, async () => {
      const payload = await writePayload(join(dir, 'e-src'), 'payload.bin', 1 * MIB + 3);
      const torrent = join(dir, 'e.torrent');
      const seeder = await startFlux(runtime, ['--seed', payload, '--torrent-out', torrent]);
      try {
        const out = join(dir, 'e-webtorrent');
        const leecher = startWebtorrent({ mode: 'leech', torrent, out, peers: [`127.0.0.1:${seeder.port}`], secure: 2 });
        try {
          const wire = await leecher.waitFor('wire', EVENT_TIMEOUT_MS);
          assert.deepEqual({ type: wire.type, peState: wire.peState, encryptionMethod: wire.encryptionMethod }, { type: 'tcpOutgoing', peState: 'done', encryptionMethod: 2 });
          await leecher.waitFor('done', TRANSFER_TIMEOUT_MS);
          await assertSameFile(payload, join(out, 'payload.bin'));
        } finally {
          await leecher.stop();
        }
      } finally {
        await seeder.stop();
      }
    });

    testOf('from-webtorrent')('webtorrent seeder -> Flux leecher (--peer, --exit-on-complete)', { timeout: TEST_TIMEOUT_MS }, async () => {
      const payload = await writePayload(join(dir, 'b-src'), 'payload.bin', 3 * MIB + 777);
      const torrent = join(dir, 'b.torrent');
      const seeder = startWebtorrent({ mode: 'seed', path: payload, torrentOut: torrent });
      try {
        const { port } = await seeder.waitFor('ready', EVENT_TIMEOUT_MS);
        const out = join(dir, 'b-flux');
        const leecher = await startFlux(runtime, ['--torrent', torrent, '--out', out, '--peer', `127.0.0.1:${port}`, '--exit-on-complete']);
        assert.equal(await leecher.exited(TRANSFER_TIMEOUT_MS), 0, leecher.output().slice(-2000));
        await assertSameFile(payload, join(out, 'payload.bin'));
      } finally {
        await seeder.stop();
      }
    });

    testOf('swarm')('a tracker swarm: a webtorrent seeder, a webtorrent leecher and two Flux leechers all complete', { timeout: TEST_TIMEOUT_MS }, async () => {
      const tracker = await startTracker();
      const processes: { stop(): Promise<number | null> }[] = [];
      try {
        const payload = await writePayload(join(dir, 'c-src'), 'payload.bin', 2 * MIB + 99);
        const torrent = join(dir, 'c.torrent');
        const seeder = startWebtorrent({ mode: 'seed', path: payload, torrentOut: torrent, announce: [tracker.url] });
        processes.push(seeder);
        await seeder.waitFor('ready', EVENT_TIMEOUT_MS);
        const webtorrentOut = join(dir, 'c-webtorrent');
        const webtorrentLeecher = startWebtorrent({ mode: 'leech', torrent, out: webtorrentOut, announce: [tracker.url] });
        processes.push(webtorrentLeecher);
        const fluxOuts = [join(dir, 'c-flux-1'), join(dir, 'c-flux-2')];
        const fluxLeechers = await Promise.all(fluxOuts.map((out) =>
          startFlux(runtime, ['--torrent', torrent, '--out', out, '--tracker', tracker.url, '--exit-on-complete'])));
        processes.push(...fluxLeechers);
        const codes = await Promise.all(fluxLeechers.map((leecher) => leecher.exited(TRANSFER_TIMEOUT_MS)));
        assert.deepEqual(codes, [0, 0], fluxLeechers.map((l) => l.output().slice(-1500)).join('\n---\n'));
        await webtorrentLeecher.waitFor('done', TRANSFER_TIMEOUT_MS);
        for (const out of [...fluxOuts, webtorrentOut]) await assertSameFile(payload, join(out, 'payload.bin'));
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
        await tracker.close();
      }
    });

    testOf('magnet')('a webtorrent leecher from a magnet link gets the metadata (ut_metadata) and the file from a Flux seeder', { timeout: TEST_TIMEOUT_MS }, async () => {
      const payload = await writePayload(join(dir, 'd-src'), 'payload.bin', 2 * MIB + 4321);
      const torrent = join(dir, 'd.torrent');
      const seeder = await startFlux(runtime, ['--seed', payload, '--torrent-out', torrent]);
      try {
        const infoHash = await infoHashOf(torrent);
        const out = join(dir, 'd-webtorrent');
        const leecher = startWebtorrent({ mode: 'leech', torrent: `magnet:?xt=urn:btih:${infoHash}`, out, peers: [`127.0.0.1:${seeder.port}`] });
        try {
          const metadata = await leecher.waitFor('metadata', EVENT_TIMEOUT_MS);
          assert.equal(metadata.infoHash, infoHash);
          await leecher.waitFor('done', TRANSFER_TIMEOUT_MS);
          await assertSameFile(payload, join(out, 'payload.bin'));
        } finally {
          await leecher.stop();
        }
      } finally {
        await seeder.stop();
      }
    });
  });
}
