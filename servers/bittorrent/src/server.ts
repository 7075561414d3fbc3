/** The BitTorrent peer: its program, types and implementation, launched by serve.ts, the tests and benchmarks. */

import { defineServer } from '@flux/runtime/server/define-server.ts';
import { DEFAULTS } from './options.ts';

export const bittorrentServer = defineServer({
  name: 'bittorrent',
  program: new URL('../bittorrent.flux', import.meta.url),
  types: new URL('./bittorrent.flux.ts', import.meta.url),
  implementation: new URL('./bittorrent.ts', import.meta.url),
  defaults: DEFAULTS,
  banner: (address) => `bittorrent: listening on ${address.host}:${address.port}`,
});
