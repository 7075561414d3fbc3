/** The image scaler: its program, types and implementation, launched by serve.ts, the tests and the benchmark. */

import { defineServer, type Launch, type RunningServer } from '@flux/runtime/server/define-server.ts';
import { FLAGS } from './options.ts';

export const scalerServer = defineServer({
  name: 'image-scaler',
  program: new URL('./image-scaler.flux', import.meta.url),
  types: new URL('./image-scaler.flux.ts', import.meta.url),
  implementation: new URL('./index.ts', import.meta.url),
  defaults: FLAGS,
});

export interface ScalerLaunch extends Launch {
  /** Server options (see options.ts): `images` is required; `port` 0 picks a free one. */
  readonly options: Readonly<Record<string, unknown>>;
}

export type RunningScaler = RunningServer;

export function startScaler(launch: ScalerLaunch): Promise<RunningScaler> {
  return scalerServer.start(launch);
}
