/** The tag game server: its program, types and implementation, launched by serve.ts, the tests and the benchmark. */

import { defineServer } from '@flux/runtime/server/define-server.ts';
import { DEFAULTS } from './options.ts';

export const tagGame = defineServer({
  name: 'tag-game',
  program: new URL('../tag-game.flux', import.meta.url),
  types: new URL('./tag-game.flux.ts', import.meta.url),
  implementation: new URL('./tag-game.ts', import.meta.url),
  defaults: DEFAULTS,
  banner: (address) => `tag-game: listening on http://${address.host}:${address.port}/ (WebSocket at /ws)`,
});
