/**
 * `serve.ts` as a process of its own, for tests and benchmarks:
 *
 *   const seeder = await startPeer(['--runtime', 'event', '--port', '0', '--seed', file, '--torrent-out', torrent]);
 *   const leecher = await startPeer(['--torrent', torrent, '--out', dir, '--peer', `127.0.0.1:${seeder.port}`, '--exit-on-complete']);
 *   await leecher.exited;            // 0 once complete
 *   await seeder.stop();             // SIGTERM, resolves with the exit code
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SERVE = fileURLToPath(new URL('../../serve.ts', import.meta.url));

export interface PeerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The port it listens on (from its `127.0.0.1:<port>` line). */
  readonly port: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once it exits. */
  readonly exited: Promise<number | null>;
  /** Resolves once it prints its completion line (rejects if it exits first). */
  completed(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** utime + stime of the process so far, in seconds (Linux /proc). */
  cpuSeconds(): number;
}

/** Starts serve.ts with `args`; resolves once it listens (rejects with its output if it exits or takes > timeoutMs). */
export async function startPeer(args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<PeerProcess> {
  const child = spawn(process.execPath, [SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let output = '';
  const listeners = new Set<() => void>();
  const onOutput = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${options.timeoutMs ?? 30_000} ms:\n${output}`)), options.timeoutMs ?? 30_000);
    const check = (): void => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        listeners.delete(check);
        resolve(Number(match[1]));
      }
    };
    listeners.add(check);
    check();
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    port,
    output: () => output,
    exited,
    completed: () => new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (/bittorrent: complete/.test(output)) {
          listeners.delete(check);
          resolve();
        }
      };
      listeners.add(check);
      check();
      void exited.then((code) => {
        if (!/bittorrent: complete/.test(output)) reject(new Error(`exited (${code}) before completing:\n${output}`));
      });
    }),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    cpuSeconds: () => cpuSecondsOf(child.pid!),
  };
}

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
