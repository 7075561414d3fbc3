/** Starts the web server on a chosen runtime: the one entry point for tests and the benchmark (serve.ts uses runServer). */

import { start } from '@flux/runtime';
import type { FluxError, FluxServer, ListenAddress, RuntimeKind } from '@flux/runtime';
import { compileProgram, IMPLEMENTATION } from './program.ts';
import type { WebOptions } from './options.ts';

export interface WebLaunch {
  readonly runtime: RuntimeKind;
  /** Server options (options.ts); `root` is required here; `port` defaults to 0 (a free port). */
  readonly options: Partial<WebOptions> & { readonly root: string };
  readonly threads?: number;
  readonly maxThreads?: number;
  readonly queueLimit?: number;
  readonly onError?: (error: FluxError) => void;
  /** Another implementation module of the same program (tests wrap src/web.ts to inject faults). */
  readonly implementation?: URL;
}

export interface RunningWeb {
  readonly server: FluxServer;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startWeb(launch: WebLaunch): Promise<RunningWeb> {
  const { ir } = compileProgram();
  const server = await start({
    ir,
    implementation: launch.implementation ?? IMPLEMENTATION,
    runtime: launch.runtime,
    options: { host: '127.0.0.1', port: 0, ...launch.options },
    threads: launch.threads,
    maxThreads: launch.maxThreads,
    queueLimit: launch.queueLimit,
    onError: launch.onError,
  });
  let address: ListenAddress;
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
