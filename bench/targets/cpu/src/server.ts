/** The CPU server: its program, types and implementation, launched by serve.ts, the tests and the benchmark. */

import { defineServer, type Launch, type RunningServer } from '@flux/runtime/server/define-server.ts';
import { DEFAULTS, type CpuOptions } from './options.ts';

export const cpuServer = defineServer({
  name: 'cpu',
  program: new URL('../cpu.flux', import.meta.url),
  types: new URL('./cpu.flux.ts', import.meta.url),
  implementation: new URL('./cpu.ts', import.meta.url),
  defaults: DEFAULTS,
});

export interface CpuLaunch extends Launch {
  /** Server options (options.ts); `port` defaults to 0 (a free port). */
  readonly options?: Partial<CpuOptions>;
}

export type RunningCpu = RunningServer;

export function startCpu(launch: CpuLaunch): Promise<RunningCpu> {
  return cpuServer.start(launch);
}
