/**
 * wrk as the load client: a C event loop per thread, so it can ask a fast server for several times what
 * autocannon (one Node thread parsing every response in JavaScript) can. Each run is a wrk process of its own,
 * driven by a generated Lua script (wrk-script.ts) through the profile's seeded path sequence; the script's
 * `done` hook prints one line of JSON, which is all this reads. Every run is bounded in time (killed after its
 * duration plus some slack), and only 127.0.0.1 is ever a target.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError, benchCodes } from '../errors.ts';
import { findExecutable } from '../process/find-executable.ts';
import { signalChild, trackChild } from '../process/children.ts';
import type { LoadClient, LoadRunRequest, RunMeasurement } from './types.ts';
import { findWrkSummary, wrkMeasurement } from './wrk-result.ts';
import { wrkScript } from './wrk-script.ts';

/** The wrk binary: $WRK, then PATH, then where Debian and Homebrew put it. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findExecutable({ name: 'wrk', envVar: 'WRK', knownPaths: ['/usr/bin/wrk', '/usr/local/bin/wrk', '/opt/homebrew/bin/wrk'] }, env);
}

/** `wrk debian/4.1.0-3+b2` from the first line of `wrk -v` (which exits 1 after printing its usage). */
export function wrkVersion(binary: string): string {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 5000 });
  const match = /^wrk (\S+)/m.exec(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (!match) throw new BenchError(benchCodes.LOAD_CLIENT, `${binary} -v did not print a wrk version${result.error ? `: ${result.error.message}` : ''}`);
  return match[1];
}

/**
 * wrk gives each thread connections / threads connections, rounded down, and refuses fewer connections than
 * threads: the largest thread count up to the one asked for that divides the connections, so that exactly
 * `connections` are opened.
 */
export function wrkThreadsFor(requested: number, connections: number): number {
  for (let threads = Math.min(requested, connections); threads > 1; threads--) {
    if (connections % threads === 0) return threads;
  }
  return 1;
}

/** A path wrk can put on a request line as it is (the paths file has one a line). */
function checkPath(path: string): void {
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new RangeError(`request path ${JSON.stringify(path)} cannot go on a request line as it is`);
}

export interface WrkClientOptions {
  /** The request paths, in order; each thread cycles through them. */
  readonly paths: readonly string[];
  /** The wrk binary (findWrk()). */
  readonly binary: string;
  /** wrk threads (-t); 1 by default, so that on a small machine the server under test keeps the other cores. */
  readonly threads?: number;
  /** Per-request timeout (wrk's --timeout), seconds. */
  readonly requestTimeoutSeconds?: number;
  /** Extra seconds a run may take beyond its duration before it is killed. */
  readonly slackSeconds?: number;
}

export function createWrkClient(options: WrkClientOptions): LoadClient {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`wrk threads must be a positive integer, got ${threads}`);
  for (const path of options.paths) checkPath(path);
  const timeoutSeconds = Math.max(1, Math.ceil(options.requestTimeoutSeconds ?? 10));
  const slackSeconds = options.slackSeconds ?? 30;
  let version: string | undefined;
  let workDir: string | undefined;

  const client: LoadClient = {
    get name() {
      return `wrk ${version ?? '?'} (${threads} thread${threads === 1 ? '' : 's'})`;
    },
    async open() {
      if (workDir) return;
      version = wrkVersion(options.binary);
      workDir = await mkdtemp(join(tmpdir(), 'flux-bench-wrk-'));
      await writeFile(join(workDir, 'paths.txt'), (options.paths.length > 0 ? options.paths : ['/']).join('\n') + '\n');
    },
    async run(request: LoadRunRequest): Promise<RunMeasurement> {
      if (new URL(request.url).hostname !== '127.0.0.1') {
        throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${request.url}: only 127.0.0.1 is a target`);
      }
      if (!workDir) await client.open();
      const dir = workDir!;
      const runThreads = wrkThreadsFor(threads, request.connections);
      const script = join(dir, `run-${runThreads}.lua`);
      await writeFile(script, wrkScript({ pathsFile: join(dir, 'paths.txt'), threads: runThreads }));
      // wrk takes whole seconds.
      const seconds = Math.max(1, Math.ceil(request.durationSeconds));
      const args = ['-t', String(runThreads), '-c', String(request.connections), '-d', `${seconds}s`, '--timeout', `${timeoutSeconds}s`, '-s', script, request.url];
      return runWrk(options.binary, args, (seconds + slackSeconds) * 1000, request.url);
    },
    async close() {
      const dir = workDir;
      workDir = undefined;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
  return client;
}

/** One wrk process, killed (its whole group) if it outlives `limitMs`. */
function runWrk(binary: string, args: readonly string[], limitMs: number, url: string): Promise<RunMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    let overran = false;
    const timer = setTimeout(() => {
      overran = true;
      signalChild(child, 'SIGKILL');
    }, limitMs);
    const fail = (message: string) => reject(new BenchError(benchCodes.LOAD_CLIENT, message));
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(`wrk could not be started (${binary}): ${error.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (overran) return fail(`wrk run against ${url} did not finish within ${limitMs / 1000} s`);
      const summary = findWrkSummary(stdout);
      if (code !== 0 || !summary) {
        const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-5).join('\n');
        return fail(`wrk ${signal ? `killed by ${signal}` : `exited with code ${code}`}${summary ? '' : ' without its result line'}${tail ? `: ${tail}` : ''}`);
      }
      resolve(wrkMeasurement(summary));
    });
  });
}
