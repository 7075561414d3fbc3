/**
 * The image-scaler profile: GET /images/<name>?w=&format=&q= against a locally generated corpus. The Flux
 * image scaler under each runtime; as baselines a hand-written node:http + sharp server without a cache and the
 * same with an equal cache; the ceiling is a trivial server with a binary body of the typical size. The ceiling
 * for misses is sharp alone scaling the same miss keys in a loop, with as many in flight as there are
 * connections: a target of its own (`sharp-alone`, a baseline row), measured in the same rounds as the servers,
 * absent in all-hit mode. Driven by a raw keep-alive client that discards bodies (autocannon stringifies binary
 * bodies and caps near 8.5k req/s); in all-hit mode by wrk when it is installed (a fixed seeded sequence of hot
 * keys after the prefill, wrk-all-hit.ts), or by the raw client with `--load raw-http1`.
 *
 *   pnpm bench image-scaler --runtime=event --mode=mix --hit-ratio=0.9
 *   pnpm bench image-scaler --mode=all-miss      (every request a key never seen)
 *   pnpm bench image-scaler --mode=all-hit       (hot keys only, prefilled)
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, benchCodes } from '../src/errors.ts';
import { WRK } from '../src/load/load-choice.ts';
import type { BaselineChoice, PreparedWorkload, Profile, TargetDefinition } from '../src/profile.ts';
import { ensureCorpus, CORPUS_VERSION } from '../targets/image-scaler/corpus.ts';
import { createImageLoadClient } from '../targets/image-scaler/load-client.ts';
import { hotPaths, type MixSpec } from '../targets/image-scaler/request-mix.ts';
import { measureSharpAlone } from '../targets/image-scaler/sharp-alone.ts';
import { withSharpAlone } from '../targets/image-scaler/sharp-alone-client.ts';
import { ALL_HIT_SEQUENCE_LENGTH, createAllHitWrkClient } from '../targets/image-scaler/wrk-all-hit.ts';
import { findFreePort } from '../src/process/free-port.ts';
import { sharpThreads } from '../../servers/image-scaler/src/scale/sharp-settings.ts';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = dirname(BENCH_DIR);
const FLUX_SERVER = join(REPO_DIR, 'servers/image-scaler/serve.ts');
const NODE_HTTP = join(BENCH_DIR, 'targets/image-scaler/node-http.ts');
const CEILING = join(BENCH_DIR, 'targets/image-scaler/ceiling.ts');
const SHARP_ALONE = join(BENCH_DIR, 'targets/image-scaler/sharp-alone-target.ts');
export const SHARP_ALONE_ID = 'sharp-alone';
export const SHARP_ALONE_LABEL = 'sharp alone (miss ceiling)';

const RAW_HTTP1 = 'raw-http1';
const WRK_ALL_HIT_ONLY =
  'wrk drives the image scaler only with --mode all-hit (elsewhere a miss must be a key never asked for before, ' +
  'continuing across the runs of a target, and wrk replays one fixed sequence of paths)';

const HOT_WIDTHS = [160, 320, 640];
const FORMATS = ['jpeg', 'webp'];

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`--${name} must be a number from ${min} to ${max}, got ${raw}`);
  return value;
}

export const imageScalerProfile: Profile = {
  name: 'image-scaler',
  summary: 'sharp behind a shared cache: the Flux image scaler vs node:http + sharp with and without a cache',
  runtimes: ['event', 'threadpool', 'thread', 'workers'],
  defaultConnections: [1, 10, 100],
  referenceBaseline: 'node-http-cache',
  // Its own client; wrk in all-hit mode only (loadClientsFor): elsewhere its misses must be keys never asked for
  // before, continuing across the runs of a target, and wrk replays one fixed sequence from a file.
  loadClients: [WRK, RAW_HTTP1],
  loadClientsFor(options) {
    return (options.mode ?? 'mix') === 'all-hit' ? { clients: [WRK, RAW_HTTP1] } : { clients: [RAW_HTTP1], why: WRK_ALL_HIT_ONLY };
  },
  options: [
    { flags: '--mode <mode>', description: 'mix (hot keys and misses, see --hit-ratio), all-miss, or all-hit', defaultValue: 'mix' },
    { flags: '--hit-ratio <r>', description: 'mix mode: share of requests for hot keys (0-1)', defaultValue: '0.9' },
    { flags: '--images <n>', description: 'source images in the generated corpus', defaultValue: '8' },
    { flags: '--zipf <s>', description: 'Zipf exponent over the hot keys', defaultValue: '1' },
    { flags: '--cache-bytes <n>', description: 'cache capacity of the caching servers', defaultValue: String(64 * 1024 * 1024) },
    { flags: '--sharp-seconds <n>', description: 'an extra one-off measurement of sharp alone while preparing, in the notes (0 skips it; the sharp-alone row is measured in the rounds anyway)', defaultValue: '0' },
    { flags: '--ceiling-body-bytes <n>', description: 'body size the ceiling server answers with', defaultValue: '16384' },
    { flags: '--cache-dir <dir>', description: 'where the corpus is written and reused (default: <tmp>/flux-bench)' },
  ],

  fluxAvailable() {
    return existsSync(FLUX_SERVER) ? { available: true } : { available: false, reason: `the Flux image scaler is not there (${FLUX_SERVER})` };
  },

  async prepare({ seed, options, log }): Promise<PreparedWorkload> {
    const mode = options.mode ?? 'mix';
    if (mode !== 'mix' && mode !== 'all-miss' && mode !== 'all-hit') throw new RangeError(`--mode must be mix, all-miss or all-hit, got ${mode}`);
    const hitRatio = mode === 'all-miss' ? 0 : mode === 'all-hit' ? 1 : number('hit-ratio', options.hitRatio, 0.9, 0, 1);
    const count = number('images', options.images, 8, 1, 200);
    const cacheBytes = number('cache-bytes', options.cacheBytes, 64 * 1024 * 1024, 1024 * 1024, 2 ** 34);
    const sharpSeconds = number('sharp-seconds', options.sharpSeconds, 0, 0, 60);
    const ceilingBody = number('ceiling-body-bytes', options.ceilingBodyBytes, 16384, 1, 16 * 1024 * 1024);

    const corpus = await ensureCorpus(count, options.cacheDir);
    log(`corpus ${corpus.reused ? 'reused' : 'written'}: ${corpus.images.length} images, ${(corpus.totalBytes / 1e6).toFixed(1)} MB in ${corpus.dir}`);
    const mix: MixSpec = {
      images: corpus.images.map((i) => i.name),
      widths: HOT_WIDTHS,
      formats: FORMATS,
      hitRatio,
      zipfExponent: number('zipf', options.zipf, 1, 0, 5),
      seed,
    };

    let sharpAlone: Awaited<ReturnType<typeof measureSharpAlone>> | null = null;
    if (sharpSeconds > 0 && hitRatio < 1) {
      sharpAlone = await measureSharpAlone(corpus.dir, mix, sharpSeconds);
      log(`sharp alone, one-off while preparing: ${sharpAlone.operationsPerSecond.toFixed(0)} scales/s with ${sharpAlone.concurrency} in flight ` +
        `(UV_THREADPOOL_SIZE ${sharpAlone.uvThreadpoolSize}, libvips ${sharpAlone.libvipsThreadsPerImage} thread(s) per image)`);
    }

    const nodeTarget = (id: string, label: string, role: 'baseline' | 'ceiling', script: string, args: string[]): TargetDefinition => ({
      id,
      role,
      label,
      launch: async () => ({
        label,
        command: process.execPath,
        args: [script, '--port', '0', '--exit-on-stdin-close', ...args],
        cwd: REPO_DIR,
        readiness: { kind: 'announce' },
      }),
    });

    // The miss ceiling as a target: it listens on a port picked here, so that the load client knows which runs
    // are sharp alone's (the harness only learns a target's URL from its announcement).
    const sharpAloneRow = hitRatio < 1;
    let sharpAloneUrl: string | undefined;
    const sharpAloneTarget: TargetDefinition = {
      id: SHARP_ALONE_ID,
      role: 'baseline',
      label: SHARP_ALONE_LABEL,
      launch: async () => {
        const port = await findFreePort();
        sharpAloneUrl = `http://127.0.0.1:${port}`;
        return {
          label: SHARP_ALONE_LABEL,
          command: process.execPath,
          args: [SHARP_ALONE, '--port', String(port), '--exit-on-stdin-close', '--images', corpus.dir, '--mix', JSON.stringify(mix)],
          cwd: REPO_DIR,
          readiness: { kind: 'announce' },
        };
      },
    };
    if (sharpAloneRow && mode === 'mix') log(`${SHARP_ALONE_LABEL}: a reference only in mix mode (it scales misses only)`);

    return {
      settings: {
        corpus: { generatorVersion: CORPUS_VERSION, images: corpus.images.length, totalBytes: corpus.totalBytes, digest: corpus.digest },
        requestMix: { mode, hitRatio, hotKeys: hotPaths(mix).length, hotWidths: HOT_WIDTHS, formats: FORMATS, zipfExponent: mix.zipfExponent, seed },
        cacheBytes,
        sharpAlone,
        sharpAloneTarget: sharpAloneRow
          ? {
              id: SHARP_ALONE_ID,
              measuredInRounds: true,
              keys: 'the miss keys of the request sequence, in order',
              inFlight: 'the connection count',
              uvThreadpoolSize: sharpThreads().uvThreadpoolSize,
            }
          : null,
        ceilingBodyBytes: ceilingBody,
      },

      fluxTarget(runtime) {
        const label = `flux (${runtime})`;
        return {
          id: `flux/${runtime}`,
          role: 'flux',
          runtime,
          label,
          launch: async () => ({
            label,
            command: process.execPath,
            args: [FLUX_SERVER, '--runtime', runtime, '--port', '0', '--images', corpus.dir, '--cache-bytes', String(cacheBytes)],
            cwd: REPO_DIR,
            readiness: { kind: 'announce' },
            readyTimeoutMs: 60_000,
          }),
        };
      },

      baselines(): BaselineChoice[] {
        return [
          { available: true, target: nodeTarget('node-http-nocache', 'node:http + sharp, no cache', 'baseline', NODE_HTTP, ['--images', corpus.dir, '--cache-bytes', '0']) },
          { available: true, target: nodeTarget('node-http-cache', 'node:http + sharp + cache', 'baseline', NODE_HTTP, ['--images', corpus.dir, '--cache-bytes', String(cacheBytes)]) },
          ...(sharpAloneRow ? [{ available: true as const, target: sharpAloneTarget }] : []),
        ];
      },

      ceilingTarget() {
        return nodeTarget('ceiling', `ceiling (${ceilingBody} B binary body)`, 'ceiling', CEILING, ['--body-bytes', String(ceilingBody)]);
      },

      createLoadClient(choice) {
        if (choice.kind === WRK) {
          // loadClientsFor keeps wrk to all-hit runs; a caller that skipped it still gets a clear refusal.
          if (mode !== 'all-hit') throw new BenchError(benchCodes.USAGE, `--load wrk: ${WRK_ALL_HIT_ONLY}`);
          if (!choice.wrkBinary) throw new BenchError(benchCodes.UNAVAILABLE, 'wrk is not installed (looked at $WRK, PATH and /usr/bin)');
          return createAllHitWrkClient({ mix, binary: choice.wrkBinary, threads: choice.wrkThreads, sequenceLength: ALL_HIT_SEQUENCE_LENGTH });
        }
        return withSharpAlone(createImageLoadClient({ mix }), { sharpAloneUrl: () => sharpAloneUrl });
      },
    };
  },
};
