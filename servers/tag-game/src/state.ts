/**
 * The world every thread works on: one SharedArrayBuffer (created by `setup` on the main thread, the same
 * memory on every worker), viewed by a World object per thread. The program's `world` lock keeps its writers
 * apart; without it two threads would change the player list at once.
 */

import type { SetupContext } from '@flux/runtime/api.ts';
import { World } from './game/world.ts';
import { gameOf, readOptions, type TagOptions } from './options.ts';

export const WORLD_BUFFER = 'tag-game.world';

export interface State {
  readonly world: World;
  readonly options: TagOptions;
}

let state: State | undefined;

export function setupState(ctx: SetupContext): void {
  const options = readOptions(ctx.options);
  const config = gameOf(options);
  const buffer = ctx.shared(WORLD_BUFFER, World.byteLength(config));
  state = { world: new World(config, { now: Date.now(), buffer }), options };
}

/** This thread's view of the world (after setup). */
export function current(): State {
  if (state === undefined) throw new Error('tag-game: the world is used before setup ran on this thread');
  return state;
}
