/**
 * The default load client: autocannon in a child process (see autocannon-process.ts), driven over IPC, each
 * run bounded in time. Good for text bodies; binary or very large bodies cap autocannon early (it turns every
 * body into a string), so profiles with such bodies should bring their own client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError, benchCodes } from '../errors.ts';
import { signalChild, trackChild } from '../process/children.ts';
import type { FromLoadProcess, ToLoadProcess } from './autocannon-protocol.ts';
import type { LoadClient, LoadRunRequest, RunMeasurement } from './types.ts';

const PROCESS_ENTRY = fileURLToPath(new URL('./autocannon-process.ts', import.meta.url));

export interface AutocannonClientOptions {
  /** The request paths, in order; the client cycles through them. */
  readonly paths: readonly string[];
  /** Per-request timeout, seconds. */
  readonly requestTimeoutSeconds?: number;
  /** Extra seconds a run may take beyond its duration before it counts as hung. */
  readonly slackSeconds?: number;
}

export function createAutocannonClient(options: AutocannonClientOptions): LoadClient {
  let child: ChildProcess | undefined;
  let version = '?';
  let nextId = 1;
  const pending = new Map<number, { resolve: (m: RunMeasurement) => void; reject: (e: Error) => void }>();

  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };

  const client: LoadClient = {
    get name() {
      return `autocannon ${version}`;
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
        failAll(new BenchError(benchCodes.LOAD_CLIENT, `load process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
      });
      started.on('message', (message: FromLoadProcess) => {
        if (message.type === 'ready') return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.type === 'result') waiter.resolve(message.measurement);
        else waiter.reject(new BenchError(benchCodes.LOAD_CLIENT, `load process: ${message.message}`));
      });
      version = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchError(benchCodes.LOAD_CLIENT, `load process did not start within 15 s${stderr ? `: ${stderr.trim()}` : ''}`)), 15_000);
        started.on('message', (message: FromLoadProcess) => {
          if (message.type === 'ready') {
            clearTimeout(timer);
            resolve(message.version);
          }
        });
        started.once('exit', () => {
          clearTimeout(timer);
          reject(new BenchError(benchCodes.LOAD_CLIENT, `load process exited before it was ready${stderr ? `: ${stderr.trim()}` : ''}`));
        });
      });
      const configure: ToLoadProcess = { type: 'configure', paths: options.paths, timeoutSeconds: options.requestTimeoutSeconds ?? 10 };
      started.send(configure);
    },
    async run(request: LoadRunRequest) {
      if (new URL(request.url).hostname !== '127.0.0.1') {
        throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${request.url}: only 127.0.0.1 is a target`);
      }
      // (Re)start the process if needed: a hung run kills it.
      if (!child) await client.open();
      const current = child!;
      const id = nextId++;
      const limitMs = (request.durationSeconds + (options.slackSeconds ?? 30)) * 1000;
      return new Promise<RunMeasurement>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          // A hung autocannon cannot be trusted with the next run: replace the process.
          signalChild(current, 'SIGKILL');
          reject(new BenchError(benchCodes.LOAD_CLIENT, `load run against ${request.url} did not finish within ${limitMs / 1000} s`));
        }, limitMs);
        pending.set(id, {
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        const message: ToLoadProcess = { type: 'run', id, url: request.url, connections: request.connections, durationSeconds: request.durationSeconds };
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
