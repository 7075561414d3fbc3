/**
 * The web server profile: a SPECweb99-like static file set (or, with `--mix single`, one file asked for on
 * every request), the Flux web server under each runtime, and as baselines what a Node user would write
 * (node:http with an LRU cache), the fastest honest single-thread Node server (raw node:net, same cache), and
 * nginx when it is installed. Driven by wrk when it is installed, else autocannon, through a seeded request
 * sequence.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAutocannonClient } from '../src/load/autocannon-client.ts';
import { AUTOCANNON, WRK, type LoadChoice } from '../src/load/load-choice.ts';
import { createWrkClient } from '../src/load/wrk-client.ts';
import { findFreePort } from '../src/process/free-port.ts';
import type { BaselineChoice, PreparedWorkload, Profile, TargetDefinition } from '../src/profile.ts';
import { ensureFileSet, FILESET_GENERATOR_VERSION } from '../src/workload/fileset.ts';
import { DEFAULT_SINGLE_FILE_BYTES, ensureSingleFile, SINGLE_FILE_VERSION } from '../src/workload/single-file.ts';
import { requestPathSequence, SIZE_CLASSES } from '../src/workload/specweb99.ts';
import { findNginx, prepareNginx } from '../targets/web/nginx.ts';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = dirname(BENCH_DIR);
const FLUX_SERVER = join(REPO_DIR, 'servers/web/serve.ts');
const NODE_HTTP = join(BENCH_DIR, 'targets/web/node-http.ts');
const RAW_NET = join(BENCH_DIR, 'targets/web/raw-net.ts');
const CEILING = join(BENCH_DIR, 'targets/ceiling.ts');

/**
 * The cache policy the Flux server and the Node baselines all get (the same flags, the same defaults as
 * servers/web/src/options.ts), so they hold the same bytes in memory.
 */
interface CachePolicy {
  readonly capacityBytes: number;
  readonly maxFileBytes: number;
  readonly revalidateMs: number;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${raw}`);
  return value;
}

export const webProfile: Profile = {
  name: 'web',
  summary: 'static files (SPECweb99-like set, or one file): the Flux web server vs node:http, raw node:net and nginx',
  runtimes: ['event', 'threadpool', 'thread', 'workers'],
  defaultConnections: [1, 10, 100, 1000],
  referenceBaseline: 'node-http',
  loadClients: [WRK, AUTOCANNON],
  options: [
    { flags: '--mix <mix>', description: 'specweb99 (the SPECweb99-like file set and mix) or single (one file on every request)', defaultValue: 'specweb99' },
    { flags: '--file-bytes <n>', description: 'with --mix single: the size of the file', defaultValue: String(DEFAULT_SINGLE_FILE_BYTES) },
    { flags: '--dirs <n>', description: 'with --mix specweb99: directories in the file set (about 5 MB each)', defaultValue: '10' },
    { flags: '--cache-dir <dir>', description: 'where file sets are written and reused (default: <tmp>/flux-bench)' },
    { flags: '--cache-bytes <n>', description: 'byte cache capacity of the Node servers', defaultValue: String(64 * 1024 * 1024) },
    { flags: '--max-file-bytes <n>', description: 'largest file the Node servers cache (larger ones stream)', defaultValue: String(1024 * 1024) },
    { flags: '--revalidate-ms <n>', description: 'age after which a cache hit stats the file again', defaultValue: '1000' },
    { flags: '--threads <n>', description: 'worker threads of the Flux server (its --threads; default: the runtime default)' },
    { flags: '--sequence <n>', description: 'length of the seeded request sequence the client cycles through', defaultValue: '100000' },
    {
      flags: '--flux-checkout <dir>',
      description: 'also run the Flux web server of another checkout (e.g. `git worktree add <dir> <commit>`), as baselines "flux (<runtime>) at <commit>": before/after in one table',
    },
  ],

  fluxAvailable() {
    return existsSync(FLUX_SERVER) ? { available: true } : { available: false, reason: `the Flux web server is not there (${FLUX_SERVER})` };
  },

  async prepare({ seed, runtimes, options, log }): Promise<PreparedWorkload> {
    const mix = options.mix ?? 'specweb99';
    if (mix !== 'specweb99' && mix !== 'single') throw new RangeError(`--mix must be specweb99 or single, got ${mix}`);
    const directories = positiveInteger('dirs', options.dirs, 10);
    if (directories < 1) throw new RangeError('--dirs must be at least 1');
    const cache: CachePolicy = {
      capacityBytes: positiveInteger('cache-bytes', options.cacheBytes, 64 * 1024 * 1024),
      maxFileBytes: positiveInteger('max-file-bytes', options.maxFileBytes, 1024 * 1024),
      revalidateMs: positiveInteger('revalidate-ms', options.revalidateMs, 1000),
    };
    const sequenceLength = positiveInteger('sequence', options.sequence, 100_000);

    const workload = mix === 'single'
      ? await singleFileWorkload(positiveInteger('file-bytes', options.fileBytes, DEFAULT_SINGLE_FILE_BYTES), seed, options.cacheDir, log)
      : await specWebWorkload(directories, seed, sequenceLength, options.cacheDir, log);
    const { paths, root } = workload;
    const threads = options.threads === undefined ? undefined : positiveInteger('threads', options.threads, 0);
    const threadArgs = threads ? ['--threads', String(threads)] : [];
    const cacheArgs = ['--cache-bytes', String(cache.capacityBytes), '--max-file-bytes', String(cache.maxFileBytes), '--revalidate-ms', String(cache.revalidateMs)];

    const nodeTarget = (id: string, label: string, role: 'baseline' | 'ceiling', script: string, args: string[]): TargetDefinition => ({
      id,
      role,
      label,
      launch: async () => ({
        label,
        command: process.execPath,
        args: [script, '--port', '0', '--root', root, '--exit-on-stdin-close', ...args],
        cwd: REPO_DIR,
        readiness: { kind: 'announce' },
      }),
    });

    return {
      settings: {
        ...workload.settings,
        cache,
        fluxThreads: threads ?? 'runtime default',
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
            args: [FLUX_SERVER, '--runtime', runtime, '--port', '0', '--root', root, ...cacheArgs, ...threadArgs],
            cwd: REPO_DIR,
            readiness: { kind: 'announce' },
            readyTimeoutMs: 60_000,
          }),
        };
      },

      baselines(): BaselineChoice[] {
        const checkout = options.fluxCheckout;
        const earlier: BaselineChoice[] = checkout === undefined ? [] : runtimes.map((runtime) => checkoutTarget(checkout, runtime, ['--root', root, ...cacheArgs, ...threadArgs]));
        const choices: BaselineChoice[] = [
          ...earlier,
          { available: true, target: nodeTarget('node-http', 'node:http', 'baseline', NODE_HTTP, cacheArgs) },
          { available: true, target: nodeTarget('raw-net', 'raw node:net', 'baseline', RAW_NET, cacheArgs) },
        ];
        const nginx = findNginx();
        if (!nginx) {
          choices.push({ available: false, id: 'nginx', reason: 'nginx is not installed (looked on PATH and in the usual places; set NGINX=/path/to/nginx)' });
        } else {
          choices.push({
            available: true,
            target: {
              id: 'nginx',
              role: 'baseline',
              label: 'nginx',
              launch: async () => {
                const port = await findFreePort();
                const launch = await prepareNginx(nginx, root, port);
                return {
                  label: 'nginx',
                  command: launch.command,
                  args: launch.args,
                  readiness: { kind: 'probe', url: `http://127.0.0.1:${port}/` },
                  cleanup: () => rm(launch.workDir, { recursive: true, force: true }),
                };
              },
            },
          });
        }
        return choices;
      },

      ceilingTarget() {
        return nodeTarget('ceiling', 'ceiling (load generator)', 'ceiling', CEILING, []);
      },

      createLoadClient(choice: LoadChoice) {
        if (choice.kind === WRK && choice.wrkBinary) return createWrkClient({ paths, binary: choice.wrkBinary, threads: choice.wrkThreads });
        return createAutocannonClient({ paths });
      },
    };
  },
};

interface WebWorkload {
  readonly root: string;
  /** The request sequence the load client cycles through. */
  readonly paths: readonly string[];
  /** What identifies the workload in the record (compare matches like with like on it). */
  readonly settings: Readonly<Record<string, unknown>>;
}

async function specWebWorkload(directories: number, seed: number, sequenceLength: number, cacheDir: string | undefined, log: (m: string) => void): Promise<WebWorkload> {
  const fileSet = await ensureFileSet({ directories, seed, cacheDir });
  log(`file set ${fileSet.reused ? 'reused' : 'written'}: ${fileSet.files.length} files, ${(fileSet.totalBytes / 1e6).toFixed(1)} MB in ${fileSet.root}`);
  return {
    root: fileSet.root,
    paths: requestPathSequence({ directories }, seed, sequenceLength),
    // The shape records had before --mix existed, unchanged, so that they still compare with new specweb99 runs.
    settings: {
      fileSet: {
        generator: 'specweb99-like',
        generatorVersion: FILESET_GENERATOR_VERSION,
        directories,
        seed,
        files: fileSet.files.length,
        totalBytes: fileSet.totalBytes,
        digest: fileSet.digest,
      },
      requestMix: {
        seed,
        sequenceLength,
        classShares: SIZE_CLASSES.map((c) => c.requestShare),
        directoryDistribution: 'zipf(1)',
        fileDistribution: 'zipf(1) within a class',
      },
    },
  };
}

async function singleFileWorkload(bytes: number, seed: number, cacheDir: string | undefined, log: (m: string) => void): Promise<WebWorkload> {
  const file = await ensureSingleFile({ bytes, seed, cacheDir });
  log(`single file ${file.reused ? 'reused' : 'written'}: ${file.path}, ${bytes} bytes in ${file.root}`);
  return {
    root: file.root,
    paths: [file.path],
    settings: {
      fileSet: { generator: 'single-file', generatorVersion: SINGLE_FILE_VERSION, seed, files: 1, totalBytes: bytes, digest: file.digest },
      requestMix: { kind: 'single', path: file.path, bytes },
    },
  };
}

/** The Flux web server of another checkout, under one runtime: a baseline named after its commit. */
function checkoutTarget(dir: string, runtime: string, args: readonly string[]): BaselineChoice {
  const serve = join(dir, 'servers/web/serve.ts');
  if (!existsSync(serve)) return { available: false, id: `flux-checkout/${runtime}`, reason: `no Flux web server in ${dir}` };
  let commit = 'checkout';
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout: keep the generic name
  }
  const label = `flux (${runtime}) at ${commit}`;
  return {
    available: true,
    target: {
      id: `flux-checkout/${runtime}`,
      role: 'baseline',
      label,
      launch: async () => ({
        label,
        command: process.execPath,
        args: [serve, '--runtime', runtime, '--port', '0', ...args],
        cwd: dir,
        readiness: { kind: 'announce' },
        readyTimeoutMs: 60_000,
      }),
    },
  };
}
