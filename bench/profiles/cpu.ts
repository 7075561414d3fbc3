/**
 * The CPU profile: a server whose every request is CPU work in one synchronous node (`GET /digest?rounds=N`:
 * PBKDF2-HMAC-SHA256 with N iterations, bench/targets/cpu/), so that a runtime which runs flows on several threads can use
 * several cores. The Flux CPU server under each runtime (with `--threads 1,2`, the threadpool and workers runtimes
 * once per thread count), against the same work written on node:http on one thread. Driven by wrk (autocannon
 * when wrk is not installed) through a fixed request sequence: one path, always the same rounds.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAutocannonClient } from '../src/load/autocannon-client.ts';
import { AUTOCANNON, WRK, type LoadChoice } from '../src/load/load-choice.ts';
import { createWrkClient } from '../src/load/wrk-client.ts';
import type { PreparedWorkload, Profile, TargetDefinition } from '../src/profile.ts';
import { PAYLOAD } from '../targets/cpu/src/digest.ts';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = dirname(BENCH_DIR);
const FLUX_SERVER = join(BENCH_DIR, 'targets/cpu/serve.ts');
const NODE_HTTP = join(BENCH_DIR, 'targets/cpu/node-http.ts');
const CEILING = join(BENCH_DIR, 'targets/ceiling.ts');

/**
 * Rounds (PBKDF2 iterations) per request: about 0.6 ms of CPU on the 2-core development machine (0.15 us an
 * iteration): enough that the hashing, not the HTTP around it, is what a request costs.
 */
export const DEFAULT_ROUNDS = 4000;
/** The most rounds the servers accept (their --max-rounds). */
export const MAX_ROUNDS = 1_000_000;
/** What the digest is, for the record: a change here makes runs incomparable. */
export const DIGEST_VERSION = 1;

/** Runtimes whose `--threads` is a number of threads running flows. */
const THREADED = new Set(['threadpool', 'workers']);

function parseRounds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_ROUNDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_ROUNDS) throw new RangeError(`--rounds must be an integer from 1 to ${MAX_ROUNDS}, got ${raw}`);
  return value;
}

/** `--threads 1,2`: distinct positive integers in the order given; undefined: the runtime's default. */
export function parseThreadCounts(raw: string | undefined): readonly number[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const counts: number[] = [];
  for (const part of raw.split(',')) {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1 || value > 255) throw new RangeError(`--threads must list integers from 1 to 255, got ${raw}`);
    if (!counts.includes(value)) counts.push(value);
  }
  return counts;
}

export const cpuProfile: Profile = {
  name: 'cpu',
  summary: 'CPU-bound requests (PBKDF2 in one synchronous node): the Flux server per runtime and thread count vs node:http',
  runtimes: ['event', 'threadpool', 'thread', 'workers'],
  defaultConnections: [10, 100],
  referenceBaseline: 'node-http',
  loadClients: [WRK, AUTOCANNON],
  options: [
    { flags: '--rounds <n>', description: `PBKDF2 iterations per request (${DEFAULT_ROUNDS} make about 0.6 ms of CPU here)`, defaultValue: String(DEFAULT_ROUNDS) },
    {
      flags: '--threads <list>',
      description: 'thread counts for the threadpool and workers runtimes, comma-separated: one target per count (default: the runtime default, one target)',
    },
  ],

  fluxAvailable() {
    return existsSync(FLUX_SERVER) ? { available: true } : { available: false, reason: `the Flux CPU server is not there (${FLUX_SERVER})` };
  },

  async prepare({ options, log }): Promise<PreparedWorkload> {
    const rounds = parseRounds(options.rounds);
    const threadCounts = parseThreadCounts(options.threads);
    const path = `/digest?rounds=${rounds}`;
    log(`every request: GET ${path}`);

    const serverTarget = (runtime: string, threads: number | undefined): TargetDefinition => {
      const label = threads === undefined ? `flux (${runtime})` : `flux (${runtime}, ${threads} thread${threads === 1 ? '' : 's'})`;
      return {
        id: threads === undefined ? `flux/${runtime}` : `flux/${runtime}/${threads}-threads`,
        role: 'flux',
        runtime,
        label,
        launch: async () => ({
          label,
          command: process.execPath,
          args: [FLUX_SERVER, '--runtime', runtime, '--port', '0', '--max-rounds', String(MAX_ROUNDS), ...(threads === undefined ? [] : ['--threads', String(threads)])],
          cwd: REPO_DIR,
          readiness: { kind: 'announce' },
          readyTimeoutMs: 60_000,
        }),
      };
    };
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

    return {
      settings: {
        requestMix: { kind: 'digest', path, rounds },
        digest: { algorithm: 'pbkdf2-hmac-sha256', payloadBytes: PAYLOAD.length, version: DIGEST_VERSION },
        fluxThreads: threadCounts ?? 'runtime default',
      },
      fluxTarget: (runtime) => serverTarget(runtime, undefined),
      fluxTargets: (runtime) =>
        threadCounts !== undefined && THREADED.has(runtime) ? threadCounts.map((threads) => serverTarget(runtime, threads)) : [serverTarget(runtime, undefined)],
      baselines: () => [{ available: true, target: nodeTarget('node-http', 'node:http (1 thread)', 'baseline', NODE_HTTP, ['--max-rounds', String(MAX_ROUNDS)]) }],
      // Without --root the ceiling answers every request with a two-byte body: the load generator with no work behind it.
      ceilingTarget: () => nodeTarget('ceiling', 'ceiling (load generator)', 'ceiling', CEILING, []),
      createLoadClient(choice: LoadChoice) {
        if (choice.kind === WRK && choice.wrkBinary) return createWrkClient({ paths: [path], binary: choice.wrkBinary, threads: choice.wrkThreads });
        return createAutocannonClient({ paths: [path] });
      },
    };
  },
};
