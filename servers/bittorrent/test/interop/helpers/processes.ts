/**
 * The peers of the interop tests as processes: the Flux peer (`serve.ts`, with the command line of issue 11) and a
 * webtorrent client (webtorrent-peer.ts). Every process started here is tracked and killed by `killAll`.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebtorrentPeerConfig } from './webtorrent-peer.ts';

export const SERVE = fileURLToPath(new URL('../../../serve.ts', import.meta.url));
const WEBTORRENT_PEER = fileURLToPath(new URL('./webtorrent-peer.ts', import.meta.url));

/** Why the Flux side cannot run, or undefined when it can. */
export function fluxUnavailable(): string | undefined {
  return existsSync(SERVE) ? undefined : `${SERVE} does not exist yet`;
}

const live = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

interface Tracked {
  readonly child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function track(command: string, args: readonly string[]): Tracked & { onLine(listener: (line: string) => void): void } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const listeners: ((line: string) => void)[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // serve.ts may announce on stderr; lines there count too.
    for (const line of chunk.toString().split('\n')) for (const listener of listeners) listener(line);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    live.delete(child);
    resolve(code);
  }));
  return {
    child,
    output: () => output,
    onLine: (listener) => listeners.push(listener),
    exited: (timeoutMs) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} still running after ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
      exit.then((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface FluxPeer extends Tracked {
  /** The port it announced (`127.0.0.1:<port>`). */
  readonly port: number;
}

/** Starts the Flux peer with `args` on port 0 and waits for the line announcing its port. */
export async function startFlux(runtime: string, args: readonly string[], readyTimeoutMs = 30_000): Promise<FluxPeer> {
  const peer = track(process.execPath, [SERVE, '--runtime', runtime, '--port', '0', ...args]);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Flux peer announced no 127.0.0.1:<port> within ${readyTimeoutMs} ms:\n${peer.output()}`)), readyTimeoutMs);
    peer.onLine((line) => {
      const match = /127\.0\.0\.1:(\d+)/.exec(line);
      if (match !== null && Number(match[1]) > 0) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    peer.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Flux peer exited (${code}) before announcing its port:\n${peer.output()}`));
    });
  });
  return { ...peer, port };
}

export interface WebtorrentEvent {
  readonly event: string;
  readonly port?: number;
  readonly infoHash?: string;
  readonly magnet?: string;
  readonly message?: string;
  readonly type?: string;
  readonly peState?: string;
  readonly encryptionMethod?: number | null;
}

export interface WebtorrentPeer extends Tracked {
  /** The next (or already seen) event of this name; rejects on an 'error' event, an exit, or the timeout. */
  waitFor(event: string, timeoutMs: number): Promise<WebtorrentEvent>;
}

export function startWebtorrent(config: WebtorrentPeerConfig): WebtorrentPeer {
  const peer = track(process.execPath, [WEBTORRENT_PEER, JSON.stringify(config)]);
  const seen: WebtorrentEvent[] = [];
  const waiters: (() => void)[] = [];
  peer.onLine((line) => {
    if (!line.startsWith('{')) return;
    try {
      seen.push(JSON.parse(line) as WebtorrentEvent);
    } catch {
      return;
    }
    for (const wake of waiters.splice(0)) wake();
  });
  peer.child.once('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    ...peer,
    waitFor: (event, timeoutMs) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`webtorrent (${config.mode}): no "${event}" within ${timeoutMs} ms:\n${peer.output().slice(-4000)}`)), timeoutMs);
      const check = (): void => {
        const found = seen.find((e) => e.event === event);
        const failed = seen.find((e) => e.event === 'error');
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else if (failed !== undefined) {
          clearTimeout(timer);
          reject(new Error(`webtorrent (${config.mode}): ${failed.message}`));
        } else if (peer.child.exitCode !== null || peer.child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`webtorrent (${config.mode}) exited:\n${peer.output().slice(-4000)}`));
        } else {
          waiters.push(check);
        }
      };
      check();
    }),
  };
}
