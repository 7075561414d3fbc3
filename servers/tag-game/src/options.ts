/**
 * The tag game server's options: their defaults (each is also a command-line flag of serve.ts: `tickHz` ->
 * `--tick-hz`, `allowOrigin` -> `--allow-origin <origin>`, repeatable) and how they are read back from a
 * runtime's options record, which crosses threads by structured clone and so holds plain values only.
 */

import { fileURLToPath } from 'node:url';
import { DEFAULT_GAME, gameConfig, type GameConfig } from './game/config.ts';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  /** World updates (and state messages) per second. */
  tickHz: 20,
  /** The game's rules (src/game/config.ts): arena, speed, radius, tag-back immunity, interest cell, players. */
  ...DEFAULT_GAME,
  /** Every player gets every player each tick (interest management off). */
  fullState: false,
  /** Origins allowed to open the WebSocket besides the server's own (repeatable). */
  allowOrigin: [] as readonly string[],
  /** Largest client frame, bytes (ws closes larger ones with 1009). */
  maxPayload: 1024,
  /** Messages per second a client may send on average, and in a burst, before it is closed with 4002. */
  rateLimit: 40,
  rateBurst: 80,
  /** Ping interval; a client that answers no ping (and sends nothing) for two intervals is closed with 4007. */
  heartbeatMs: 5_000,
  /** A connection that has not joined this long after opening is closed with 4007. */
  joinTimeoutMs: 10_000,
  /** A player that sends no message for this long is closed with 4007. */
  idleTimeoutMs: 120_000,
  /** A connection with more unsent bytes than this skips state frames... */
  slowBytes: 256 * 1024,
  /** ...and is dropped when it stays behind this long. */
  slowDropMs: 3_000,
  /** WebSocket connections open at once, per copy of the Listen source (past it the upgrade gets 503). */
  maxClients: 12_000,
  /** The client's files, served at / (default: this server's public/). */
  publicDir: '',
};

export type TagOptions = Omit<typeof DEFAULTS, 'allowOrigin'> & { allowOrigin: readonly string[] };

export class OptionError extends Error {
  readonly code = 'TAG_ERR_OPTION';
  override readonly name = 'OptionError';
}

const POSITIVE = ['tickHz', 'maxPayload', 'rateLimit', 'rateBurst', 'heartbeatMs', 'joinTimeoutMs', 'idleTimeoutMs', 'slowBytes', 'slowDropMs', 'maxClients'] as const;

/** The options from a runtime's options record, defaults filled in, checked. */
export function readOptions(raw: Readonly<Record<string, unknown>>): TagOptions {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    const expected = DEFAULTS[key];
    if (typeof expected === 'number') {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new OptionError(`option ${key} must be a non-negative number, got ${String(value)}`);
      out[key] = n;
    } else if (typeof expected === 'boolean') {
      if (typeof value !== 'boolean') throw new OptionError(`option ${key} must be true or false, got ${String(value)}`);
      out[key] = value;
    } else if (Array.isArray(expected)) {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw new OptionError(`option ${key} must be a list of strings`);
      out[key] = list;
    } else {
      if (typeof value !== 'string') throw new OptionError(`option ${key} must be a string, got ${typeof value}`);
      out[key] = value;
    }
  }
  const options = out as TagOptions;
  if (!Number.isInteger(options.port) || options.port > 65535) throw new OptionError(`option port must be 0..65535, got ${options.port}`);
  for (const key of POSITIVE) if (!(options[key] > 0)) throw new OptionError(`option ${key} must be positive, got ${options[key]}`);
  if (options.tickHz > 1000) throw new OptionError(`option tickHz must be at most 1000, got ${options.tickHz}`);
  for (const origin of options.allowOrigin) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new OptionError(`option allowOrigin: "${origin}" is not an origin (scheme://host[:port])`);
  }
  gameOf(options);
  return options;
}

/** The game's rules out of the options (throws GameConfigError on bad values). */
export function gameOf(options: TagOptions): GameConfig {
  const partial: Partial<GameConfig> = {};
  for (const key of Object.keys(DEFAULT_GAME) as (keyof GameConfig)[]) partial[key] = options[key];
  return gameConfig(partial);
}

export function publicDirOf(options: TagOptions): string {
  return options.publicDir === '' ? fileURLToPath(new URL('../public/', import.meta.url)) : options.publicDir;
}
