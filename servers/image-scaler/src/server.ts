/** Starts the image scaler on a chosen runtime: the one entry point for serve.ts, the tests and the benchmark. */

import { start } from '@flux/runtime';
import type { FluxServer, RuntimeKind } from '@flux/runtime';
import type { FluxError } from '@flux/runtime';
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
  const server = await start({
    ir,
    implementation: IMPLEMENTATION,
    runtime: launch.runtime,
    options: { host: '127.0.0.1', port: 0, ...launch.options },
    threads: launch.threads,
    maxThreads: launch.maxThreads,
    queueLimit: launch.queueLimit,
    onError: launch.onError,
  });
  let address;
  try {
    // Under every runtime, once every copy of the Listen source listens.
    address = await server.listening('Listen');
  } catch (error) {
    await server.stop({ deadlineMs: 1000 });
    throw error;
  }
  const { host, port } = address;
  return { server, host, port, url: `http://${host}:${port}`, stop: () => server.stop() };
}
