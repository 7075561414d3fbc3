/** Starts the image scaler on a chosen runtime: the one entry point for serve.ts, the tests and the benchmark. */

import { randomUUID } from 'node:crypto';
import { start } from '@flux/runtime';
import type { FluxServer, RuntimeKind } from '@flux/runtime';
import type { FluxError } from '@flux/runtime';
import { whenListening } from './http/listening.ts';
import { compileProgram, IMPLEMENTATION } from './program.ts';

export interface ScalerLaunch {
  readonly runtime: RuntimeKind;
  /** Server options (see options.ts): `images` is required; `port` 0 picks a free one. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly threads?: number;
  readonly maxThreads?: number;
  readonly queueLimit?: number;
  readonly onError?: (error: FluxError) => void;
}

export interface RunningScaler {
  readonly server: FluxServer;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startScaler(launch: ScalerLaunch): Promise<RunningScaler> {
  const { ir } = compileProgram();
  const listenId = randomUUID();
  const listening = whenListening(listenId);
  const server = await start({
    ir,
    implementation: IMPLEMENTATION,
    runtime: launch.runtime,
    options: { host: '127.0.0.1', port: 0, ...launch.options, listenId },
    threads: launch.threads,
    maxThreads: launch.maxThreads,
    queueLimit: launch.queueLimit,
    onError: launch.onError,
  });
  const { host, port } = await listening;
  return { server, host, port, url: `http://${host}:${port}`, stop: () => server.stop() };
}
