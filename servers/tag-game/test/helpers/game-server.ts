/** Starts the tag game in this process under a runtime, with test-sized settings over the defaults. */

import type { RuntimeKind } from '@flux/runtime';
import { tagGame } from '../../src/server.ts';
import type { TagOptions } from '../../src/options.ts';
import { current } from '../../src/state.ts';

export const TEST_OPTIONS: Partial<TagOptions> = {
  arenaW: 400,
  arenaH: 300,
  maxPlayers: 200,
  graceMs: 2_000,
  heartbeatMs: 1_000,
};

export async function startGame(runtime: RuntimeKind, options: Partial<TagOptions> = {}) {
  const running = await tagGame.start({ runtime, options: { ...TEST_OPTIONS, ...options }, threads: 2, onError: () => {} });
  return running;
}

/** The world as the main thread sees it (the same shared memory every thread writes). */
export function world() {
  return current().world;
}
