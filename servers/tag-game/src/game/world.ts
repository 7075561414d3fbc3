/**
 * The world: the single authority over players, positions, "it" and scores. No I/O, no timers: the caller
 * passes the time (ms) into every call that depends on it, so the same rules run in the Flux nodes, in the
 * hand-written baseline and in tests with a fake clock.
 *
 *   const world = new World(gameConfig({ arenaW: 800 }), { now: Date.now() });
 *   const joined = world.join('ann');                // { player } or { refused: 'full' }
 *   world.input(player.id, seq, dx, dy);             // direction, each axis clamped to -1..1, length to 1
 *   const result = world.step(now);                  // move everyone at most speed * dt, then tag; { tick, time, tag? }
 *   world.disconnect(id, now);                       // keeps the player for graceMs (rejoin by token)
 *   world.rejoin(token, now);                        // the same player back, or undefined
 *   world.leave(id);                                 // gone now (a goodbye, or the grace ran out: expire(now))
 *
 * Rules: one player is "it" whenever anyone is present. "it" tags by contact (centres closer than 2 * radius);
 * the tagger scores 1 and the tagged player becomes "it", and cannot tag its tagger back for tagBackMs.
 * Players away (disconnected, within the grace period) stand still and cannot be tagged. When "it" leaves or
 * goes away, a present player is chosen at random to be "it".
 */

import { randomBytes } from 'node:crypto';
import type { GameConfig } from './config.ts';
import { SpatialGrid } from './grid.ts';

export interface Player {
  readonly id: string;
  readonly name: string;
  /** The name as a JSON string literal, made once at join for the encoders. */
  readonly nameJson: string;
  readonly token: string;
  x: number;
  y: number;
  /** The last input's direction (length <= 1). */
  dx: number;
  dy: number;
  /** The last input's sequence number (inputs with a lower or equal one are ignored); -1 before any. */
  seq: number;
  score: number;
  /** Disconnected and waiting for a rejoin since this time (ms), or -1 when present. */
  awaySince: number;
}

export interface TagEvent {
  readonly tagger: string;
  readonly tagged: string;
}

export interface StepResult {
  readonly tick: number;
  readonly time: number;
  readonly tag: TagEvent | undefined;
}

export type JoinResult = { readonly player: Player; readonly refused?: undefined } | { readonly player?: undefined; readonly refused: 'full' };

export interface WorldOptions {
  /** The time (ms) the world starts at; the first step moves players by the time since. */
  now: number;
  /** Random numbers in [0, 1) for spawn points and choosing "it" (tests pass a seeded one). */
  random?: () => number;
  /** New rejoin tokens (default: 128 random bits, base64url). */
  newToken?: () => string;
}

export class World {
  readonly config: GameConfig;
  readonly players = new Map<string, Player>();
  /** The id of "it", or undefined when nobody is present. */
  it: string | undefined;
  tick = 0;
  time: number;
  private readonly byToken = new Map<string, Player>();
  private readonly random: () => number;
  private readonly newToken: () => string;
  private nextId = 1;
  private lastTagger: string | undefined;
  private tagBackUntil = 0;
  private readonly grid: SpatialGrid<Player>;
  private gridDirty = true;

  constructor(config: GameConfig, options: WorldOptions) {
    this.config = config;
    this.time = options.now;
    this.random = options.random ?? Math.random;
    this.newToken = options.newToken ?? (() => randomBytes(16).toString('base64url'));
    this.grid = new SpatialGrid(config.arenaW, config.arenaH, config.viewCell);
  }

  get size(): number {
    return this.players.size;
  }

  join(name: string): JoinResult {
    if (this.players.size >= this.config.maxPlayers) return { refused: 'full' };
    const id = (this.nextId++).toString(36);
    const clean = cleanName(name, this.config.maxNameLength) || `player ${id}`;
    const spawn = this.spawnPoint();
    const player: Player = {
      id, name: clean, nameJson: JSON.stringify(clean), token: this.newToken(),
      x: spawn.x, y: spawn.y, dx: 0, dy: 0, seq: -1, score: 0, awaySince: -1,
    };
    this.players.set(id, player);
    this.byToken.set(player.token, player);
    this.gridDirty = true;
    if (this.it === undefined) this.it = id;
    return { player };
  }

  /** The player holding this token, present again (its input reset), or undefined when unknown or expired. */
  rejoin(token: string, now: number): Player | undefined {
    const player = this.byToken.get(token);
    if (player === undefined) return undefined;
    if (player.awaySince >= 0 && now - player.awaySince > this.config.graceMs) {
      this.leave(player.id);
      return undefined;
    }
    player.awaySince = -1;
    player.dx = player.dy = 0;
    player.seq = -1;
    if (this.it === undefined) this.it = player.id;
    return player;
  }

  /**
   * A direction from a client. Non-numbers are refused (false); each axis is clamped to -1..1 and the vector
   * to length 1, so the speed never exceeds config.speed. Inputs older than the last one (by seq) are ignored.
   */
  input(id: string, seq: number, dx: number, dy: number): boolean {
    const player = this.players.get(id);
    if (player === undefined || player.awaySince >= 0) return false;
    if (!Number.isFinite(seq) || !Number.isFinite(dx) || !Number.isFinite(dy)) return false;
    if (seq <= player.seq) return true;
    player.seq = seq;
    let x = dx < -1 ? -1 : dx > 1 ? 1 : dx;
    let y = dy < -1 ? -1 : dy > 1 ? 1 : dy;
    const length = Math.hypot(x, y);
    if (length > 1) {
      x /= length;
      y /= length;
    }
    player.dx = x;
    player.dy = y;
    return true;
  }

  /** Marks the player away (it stands still, cannot be tagged, and is kept for graceMs). */
  disconnect(id: string, now: number): void {
    const player = this.players.get(id);
    if (player === undefined || player.awaySince >= 0) return;
    player.awaySince = now;
    player.dx = player.dy = 0;
    if (this.it === id) this.chooseIt(id);
  }

  /** Removes the player now. Returns whether it was there. */
  leave(id: string): boolean {
    const player = this.players.get(id);
    if (player === undefined) return false;
    this.players.delete(id);
    this.byToken.delete(player.token);
    this.gridDirty = true;
    if (this.lastTagger === id) this.lastTagger = undefined;
    if (this.it === id) this.chooseIt(id);
    return true;
  }

  /** Removes the players away for longer than graceMs; returns their ids. */
  expire(now: number): string[] {
    const gone: string[] = [];
    for (const player of this.players.values()) {
      if (player.awaySince >= 0 && now - player.awaySince > this.config.graceMs) gone.push(player.id);
    }
    for (const id of gone) this.leave(id);
    return gone;
  }

  /** Advances the world to `now`: moves every present player, then lets "it" tag at most one player. */
  step(now: number): StepResult {
    const { speed, radius, arenaW, arenaH, maxStepMs } = this.config;
    const elapsed = Math.min(Math.max(0, now - this.time), maxStepMs);
    this.time = Math.max(this.time, now);
    this.tick++;
    const distance = (speed * elapsed) / 1000;
    if (distance > 0) {
      for (const player of this.players.values()) {
        if (player.dx === 0 && player.dy === 0) continue;
        player.x = clamp(player.x + player.dx * distance, radius, arenaW - radius);
        player.y = clamp(player.y + player.dy * distance, radius, arenaH - radius);
        this.gridDirty = true;
      }
    }
    return { tick: this.tick, time: this.time, tag: this.tagByContact(now) };
  }

  /** The grid of players' positions as of the last change (rebuilt lazily). */
  spatial(): SpatialGrid<Player> {
    if (this.gridDirty) {
      this.grid.rebuild(this.players.values());
      this.gridDirty = false;
    }
    return this.grid;
  }

  /** The players whose centres lie within `range` of (x, y), the player itself included. */
  near(x: number, y: number, range: number): Player[] {
    const out: Player[] = [];
    const r2 = range * range;
    this.spatial().forEachNear(x, y, range, (p) => {
      const ddx = p.x - x;
      const ddy = p.y - y;
      if (ddx * ddx + ddy * ddy <= r2) out.push(p);
    });
    return out;
  }

  private tagByContact(now: number): TagEvent | undefined {
    if (this.it === undefined) return undefined;
    const it = this.players.get(this.it);
    if (it === undefined || it.awaySince >= 0) return undefined;
    const reach = 2 * this.config.radius;
    const blocked = now < this.tagBackUntil ? this.lastTagger : undefined;
    let best: Player | undefined;
    let bestD2 = reach * reach;
    this.spatial().forEachNear(it.x, it.y, reach, (p) => {
      if (p === it || p.awaySince >= 0 || p.id === blocked) return;
      const ddx = p.x - it.x;
      const ddy = p.y - it.y;
      const d2 = ddx * ddx + ddy * ddy;
      if (d2 < bestD2 || (d2 === bestD2 && best === undefined)) {
        best = p;
        bestD2 = d2;
      }
    });
    if (best === undefined || bestD2 >= reach * reach) return undefined;
    const tagged: Player = best;
    it.score++;
    this.it = tagged.id;
    this.lastTagger = it.id;
    this.tagBackUntil = now + this.config.tagBackMs;
    return { tagger: it.id, tagged: tagged.id };
  }

  /** A present player other than `except`, chosen at random, becomes "it" (undefined when none). */
  private chooseIt(except: string): void {
    const candidates: string[] = [];
    for (const player of this.players.values()) {
      if (player.id !== except && player.awaySince < 0) candidates.push(player.id);
    }
    this.it = candidates.length === 0 ? undefined : candidates[Math.floor(this.random() * candidates.length)];
    this.lastTagger = undefined;
  }

  /** A random point, away from "it" when a few tries allow. */
  private spawnPoint(): { x: number; y: number } {
    const { radius, arenaW, arenaH } = this.config;
    const it = this.it === undefined ? undefined : this.players.get(this.it);
    let point = { x: 0, y: 0 };
    for (let attempt = 0; attempt < 8; attempt++) {
      point = { x: radius + this.random() * (arenaW - 2 * radius), y: radius + this.random() * (arenaH - 2 * radius) };
      if (it === undefined || Math.hypot(point.x - it.x, point.y - it.y) > 6 * radius) break;
    }
    return point;
  }
}

/** Trims, drops control characters and cuts to `max` characters (by code point). */
export function cleanName(name: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  return Array.from(printable).slice(0, max).join('');
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
