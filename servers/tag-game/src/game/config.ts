/**
 * The game's rules as numbers. Units: arena units (the client draws one unit as one CSS pixel at zoom 1),
 * seconds for speed, milliseconds for times. Every field is also a flag of serve.ts (`arenaW` -> `--arena-w`).
 */

export interface GameConfig {
  /** Arena width and height. Players stay inside [radius, w - radius] x [radius, h - radius]. */
  arenaW: number;
  arenaH: number;
  /** Top speed in units per second; an input's direction is clamped to length 1, so no client moves faster. */
  speed: number;
  /** Player radius; two players touch when their centres are closer than 2 * radius. */
  radius: number;
  /** After a tag, the new "it" cannot tag the player who tagged it for this long. */
  tagBackMs: number;
  /** Longest step the world takes in one tick: a late tick does not move anyone further than this allows. */
  maxStepMs: number;
  /** Side of an interest cell: a player sees the players in its cell and the 8 around it (and "it"). */
  viewCell: number;
  /** Players the world holds (joins past it are refused). */
  maxPlayers: number;
  /** Names are cut to this many characters. */
  maxNameLength: number;
  /** A disconnected player stays in the world (keeping score and "it") this long, for a rejoin by token. */
  graceMs: number;
}

export const DEFAULT_GAME: GameConfig = {
  arenaW: 2400,
  arenaH: 1600,
  speed: 240,
  radius: 14,
  tagBackMs: 1_500,
  maxStepMs: 250,
  viewCell: 400,
  maxPlayers: 10_000,
  maxNameLength: 16,
  graceMs: 10_000,
};

export class GameConfigError extends Error {
  readonly code = 'TAG_ERR_CONFIG';
  override readonly name = 'GameConfigError';
}

/** The config with defaults filled in; throws GameConfigError naming the first bad field. */
export function gameConfig(partial: Partial<GameConfig> = {}): GameConfig {
  const config: GameConfig = { ...DEFAULT_GAME };
  for (const key of Object.keys(DEFAULT_GAME) as (keyof GameConfig)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new GameConfigError(`${key} must be a non-negative number, got ${String(value)}`);
    }
    config[key] = value;
  }
  for (const key of ['arenaW', 'arenaH', 'speed', 'radius', 'maxStepMs', 'viewCell', 'maxPlayers', 'maxNameLength'] as const) {
    if (!(config[key] > 0)) throw new GameConfigError(`${key} must be positive, got ${config[key]}`);
  }
  if (config.arenaW < 4 * config.radius || config.arenaH < 4 * config.radius) {
    throw new GameConfigError(`the arena (${config.arenaW} x ${config.arenaH}) must be at least 4 radii (${4 * config.radius}) each way`);
  }
  if (!Number.isInteger(config.maxPlayers)) throw new GameConfigError(`maxPlayers must be an integer, got ${config.maxPlayers}`);
  if (!Number.isInteger(config.maxNameLength) || config.maxNameLength > 63) throw new GameConfigError(`maxNameLength must be an integer up to 63, got ${config.maxNameLength}`);
  return config;
}
