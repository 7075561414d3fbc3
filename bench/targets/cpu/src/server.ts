/** Starts the CPU server on a chosen runtime from code (tests); serve.ts starts it from the command line. */

import { start } from '@flux/runtime';
import type { FluxError, FluxServer, RuntimeKind } from '@flux/runtime';
import type { CpuOptions } from './options.ts';
import { compileProgram, IMPLEMENTATION } from './program.ts';

export interface CpuLaunch {
  readonly runtime: RuntimeKind;
  /** Server options (options.ts); `port` defaults to 0 (a free port). */
  readonly options?: Partial<CpuOptions>;
  readonly threads?: number;
  readonly onError?: (error: FluxError) => void;
}

export interface RunningCpu {
  readonly server: FluxServer;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startCpu(launch: CpuLaunch): Promise<RunningCpu> {
  const server = await start({
    ir: compileProgram().ir,
    implementation: IMPLEMENTATION,
    runtime: launch.runtime,
    options: { host: '127.0.0.1', port: 0, ...launch.options },
    threads: launch.threads,
    onError: launch.onError,
  });
  try {
    const { host, port } = await server.listening('Listen');
    return { server, port, url: `http://${host}:${port}`, stop: () => server.stop() };
  } catch (error) {
    await server.stop({ deadlineMs: 1000 });
    throw error;
  }
}
