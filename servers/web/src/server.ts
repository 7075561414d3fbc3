/** The web server: its program, types and implementation, launched by serve.ts, the tests and the benchmark. */

import { defineServer, type Launch, type RunningServer } from '@flux/runtime/server/define-server.ts';
import { DEFAULTS, type WebOptions } from './options.ts';

export const webServer = defineServer({
  name: 'web',
  program: new URL('../web.flux', import.meta.url),
  types: new URL('./web.flux.ts', import.meta.url),
  implementation: new URL('./web.ts', import.meta.url),
  defaults: DEFAULTS,
});

export interface WebLaunch extends Launch {
  /** Server options (options.ts); `root` is required here; `port` defaults to 0 (a free port). */
  readonly options: Partial<WebOptions> & { readonly root: string };
}

export type RunningWeb = RunningServer;

export function startWeb(launch: WebLaunch): Promise<RunningWeb> {
  return webServer.start(launch);
}
