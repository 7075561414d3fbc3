/**
 * A LoadClient whose load runs in a child process, driven over IPC: the child says `ready` with its version,
 * takes one `configure` message, then answers each `run` (by id) with a `result` or an `error`. Each run is
 * bounded in time; a run that overstays kills the child, which the next run replaces. Profiles bring only the
 * child's entry file and their messages (autocannon-client.ts, the image scaler's load client).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { BenchError, benchCodes } from '../errors.ts';
import { signalChild, trackChild } from '../process/children.ts';
import type { LoadClient, LoadRunRequest, RunMeasurement } from './types.ts';

/** What every load child sends back. */
export type FromLoadChild =
  | { readonly type: 'ready'; readonly version: string }
  | { readonly type: 'result'; readonly id: number; readonly measurement: RunMeasurement }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

export interface LoadChildSpec {
  /** Path of the child's entry file. */
  readonly entry: string;
  /** How errors name the child, e.g. "load process". */
  readonly label: string;
  /** The client's name, from the version the child reports. */
  readonly name: (version: string) => string;
  /** The message sent once the child is ready. */
  readonly configure: unknown;
  /** The message that starts one run. */
  readonly runMessage: (id: number, request: LoadRunRequest) => unknown;
  /** Extra seconds a run may take beyond its duration before it counts as hung. */
  readonly slackSeconds: number;
}

export function createProcessLoadClient(spec: LoadChildSpec): LoadClient {
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
      return spec.name(version);
    },
    async open() {
      if (child) return;
      const started = fork(spec.entry, [], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      child = started;
      trackChild(started);
      let stderr = '';
      const tail = () => (stderr ? `: ${stderr.trim()}` : '');
      started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-4096);
      });
      started.on('exit', (code, signal) => {
        child = undefined;
        failAll(new BenchError(benchCodes.LOAD_CLIENT, `${spec.label} exited (${signal ?? `code ${code}`})${tail()}`));
      });
      started.on('message', (message: FromLoadChild) => {
        if (message.type === 'ready') return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.type === 'result') waiter.resolve(message.measurement);
        else waiter.reject(new BenchError(benchCodes.LOAD_CLIENT, `${spec.label}: ${message.message}`));
      });
      version = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchError(benchCodes.LOAD_CLIENT, `${spec.label} did not start within 15 s${tail()}`)), 15_000);
        started.on('message', (message: FromLoadChild) => {
          if (message.type !== 'ready') return;
          clearTimeout(timer);
          resolve(message.version);
        });
        started.once('exit', () => {
          clearTimeout(timer);
          reject(new BenchError(benchCodes.LOAD_CLIENT, `${spec.label} exited before it was ready${tail()}`));
        });
      });
      started.send(spec.configure as object);
    },
    async run(request: LoadRunRequest) {
      if (new URL(request.url).hostname !== '127.0.0.1') {
        throw new BenchError(benchCodes.NOT_LOOPBACK, `refusing to load ${request.url}: only 127.0.0.1 is a target`);
      }
      // (Re)start the process if needed: a hung run kills it.
      if (!child) await client.open();
      const current = child!;
      const id = nextId++;
      const limitMs = (request.durationSeconds + spec.slackSeconds) * 1000;
      const message = spec.runMessage(id, request);
      return new Promise<RunMeasurement>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          // A hung load child cannot be trusted with the next run: replace the process.
          signalChild(current, 'SIGKILL');
          reject(new BenchError(benchCodes.LOAD_CLIENT, `${spec.label} run against ${request.url} did not finish within ${limitMs / 1000} s`));
        }, limitMs);
        pending.set(id, {
          resolve: (m) => { clearTimeout(timer); resolve(m); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        current.send(message as object);
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
