/**
 * The tag game's rules, with no I/O: import from here (the Flux nodes, the hand-written baseline in
 * bench/targets/tag-game/, tests).
 *
 *   import { World, gameConfig, encodeState, ViewEncoder, encodeWelcome, parseClientMessage } from '@flux/tag-game/game/index.ts';
 *   const world = new World(gameConfig({ arenaW: 1200 }), { now: Date.now() });
 *   const msg = parseClientMessage(text);   // { type: 'join', name } | { type: 'join', token } | { type: 'input', seq, dx, dy } | { error }
 *   const { player } = world.join('ann');   // then send encodeWelcome(player, world, tickHz)
 *   world.input(player.id, 1, 1, 0);
 *   world.step(Date.now()); world.expire(Date.now());
 *   const bytes = encodeState(world);       // the same bytes to every player; or views.encode(world) + views.viewFor(slot)
 *
 * The world's state is one block of memory (World.byteLength(config)); pass a SharedArrayBuffer as `buffer` to
 * share one world between threads (writers kept apart by the caller). Players are addressed by id (string) or
 * slot (index into the world's arrays: world.xs[slot], world.scores[slot], ...); world.slots() lists them.
 *
 * Files: config.ts (the numbers), world.ts (players, movement, tags, scores, "it"), grid.ts (the spatial grid),
 * encode.ts (server messages), parse.ts (client messages and the close codes).
 */

export { DEFAULT_GAME, GameConfigError, gameConfig, type GameConfig } from './config.ts';
export { SpatialGrid } from './grid.ts';
export { Player, World, cleanName, type JoinResult, type StepResult, type TagEvent, type WorldOptions } from './world.ts';
export { ViewEncoder, encodeState, encodeWelcome, playerJson } from './encode.ts';
export { CLOSE, parseClientMessage, type ClientMessage, type ParseError } from './parse.ts';
