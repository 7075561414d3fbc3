/** The LoadClient side of load-process.ts: forks it, configures the request mix, runs it over IPC, bounded in time. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError, benchCodes } from '../../src/errors.ts';
import { signalChild, trackChild } from '../../src/process/children.ts';
import type { LoadClient, LoadRunRequest, RunMeasurement } from '../../src/load/types.ts';
import type { FromImageLoad, ToImageLoad } from './load-protocol.ts';
import type { MixSpec } from './request-mix.ts';

const PROCESS_ENTRY = fileURLToPath(new URL('./load-process.ts', import.meta.url));

export interface ImageLoadClientOptions {
  readonly mix: MixSpec;
  readonly requestTimeoutSeconds?: number;
  /** Extra seconds a run may take beyond its duration (prefill included) before it counts as hung. */
  readonly slackSeconds?: number;
}

export function createImageLoadClient(options: ImageLoadClientOptions): LoadClient {
  let child: ChildProcess | undefined;
  let version = '?';
  let nextId = 1;
  /** Targets already prefilled (the first run against a URL, its warm-up, fills the hot keys). */
  const prefilled = new Set<string>();
  const pending = new Map<number, { resolve: (m: RunMeasurement) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };

  const client: LoadClient = {
    get name() {
      return version;
    },
    async open() {
      if (child) return;
      const started = fork(PROCESS_ENTRY, [], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      child = started;
      trackChild(started);
      let stderr = '';
      started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-4096);
      });
      started.on('exit', (code, signal) => {
        child = undefined;
        failAll(new BenchError(benchCodes.LOAD_CLIENT, `image load process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
      });
      started.on('message', (message: FromImageLoad) => {
        if (message.type === 'ready') return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.type === 'result') waiter.resolve(message.measurement);
        else waiter.reject(new BenchError(benchCodes.LOAD_CLIENT, `image load process: ${message.message}`));
      });
      version = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchError(benchCodes.LOAD_CLIENT, 'image load process did not start within 15 s')), 15_000);
        started.on('message', (message: FromImageLoad) => {
          if (message.type !== 'ready') return;
          clearTimeout(timer);
          resolve(message.version);
        });
      });
      const configure: ToImageLoad = { type: 'configure', mix: options.mix, timeoutSeconds: options.requestTimeoutSeconds ?? 30 };
      started.send(configure);
    },
    async run(request: LoadRunRequest) {
      if (new URL(request.url).hostname !== '127.0.0.1') {
        throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${request.url}: only 127.0.0.1 is a target`);
      }
      if (!child) await client.open();
      const current = child!;
      const id = nextId++;
      const prefill = options.mix.hitRatio > 0 && !prefilled.has(request.url);
      prefilled.add(request.url);
      const limitMs = (request.durationSeconds + (options.slackSeconds ?? 120)) * 1000;
      return new Promise<RunMeasurement>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          signalChild(current, 'SIGKILL');
          reject(new BenchError(benchCodes.LOAD_CLIENT, `image load run against ${request.url} did not finish within ${limitMs / 1000} s`));
        }, limitMs);
        pending.set(id, {
          resolve: (m) => { clearTimeout(timer); resolve(m); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        const message: ToImageLoad = { type: 'run', id, url: request.url, connections: request.connections, durationSeconds: request.durationSeconds, prefill };
        current.send(message);
      });
    },
    async close() {
      const current = child;
      if (!current) return;
      child = undefined;
      if (current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      const timer = setTimeout(() => signalChild(current, 'SIGKILL'), 3000);
      if (current.connected) current.disconnect();
      else signalChild(current, 'SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  return client;
}
