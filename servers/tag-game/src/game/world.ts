/**
 * The world: the single authority over players, positions, "it" and scores. No I/O, no timers: the caller
 * passes the time (ms) into every call that depends on it, so the same rules run in the Flux nodes, in the
 * hand-written baseline and in tests with a fake clock.
 *
 * Its state is a flat block of memory (typed arrays over one buffer, World.byteLength(config) bytes): give it
 * a SharedArrayBuffer and a World on every thread is the same world (callers keep writers apart: the Flux
 * program's `world` lock); give it nothing and it makes an ArrayBuffer of its own.
 *
 *   const world = new World(gameConfig({ arenaW: 800 }), { now: Date.now() });
 *   const joined = world.join('ann');               // { player } or { refused: 'full' }
 *   world.input(player.id, seq, dx, dy);            // direction, each axis clamped to -1..1, length to 1
 *   const result = world.step(now);                 // move everyone at most speed * dt, then tag: { tick, time, tag? }
 *   world.disconnect(id, now);                      // keeps the player for graceMs (rejoin by token)
 *   world.rejoin(token, now);                       // the same player back, or undefined
 *   world.leave(id);                                // gone now (a goodbye; or expire(now) when the grace ran out)
 *   world.list(); world.get(id); world.size; world.it; world.tick; world.time
 *
 * Rules: one player is "it" whenever anyone is present. "it" tags by contact (centres closer than 2 * radius);
 * the tagger scores 1 and the tagged player becomes "it", and cannot tag its tagger back for tagBackMs.
 * Players away (disconnected, within the grace period) stand still and cannot be tagged. When "it" leaves or
 * goes away, a present player is chosen at random to be "it".
 *
 * A player's id is unique for the life of the world and names its slot; its token is the id and 128 random
 * bits, checked against the slot's copy on rejoin.
 */

import { randomBytes } from 'node:crypto';
import type { GameConfig } from './config.ts';
import { SpatialGrid } from './grid.ts';

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
  /** The world's memory (World.byteLength(config) bytes): a fresh one is set up, one already set up is joined. */
  buffer?: ArrayBuffer | SharedArrayBuffer;
  /** Random numbers in [0, 1) for spawn points and choosing "it" (tests pass a seeded one). */
  random?: () => number;
  /** 16 random bytes for a new token (tests pass a fixed sequence). */
  tokenBytes?: () => Uint8Array;
}

// Header words (Float64).
const H_MAGIC = 0;
const H_TIME = 1;
const H_TICK = 2;
const H_IT = 3;
const H_LAST_TAGGER = 4;
const H_TAG_BACK_UNTIL = 5;
const H_COUNT = 6;
const H_SERIAL = 7;
const H_HIGH = 8;
const H_VERSION = 9;
const HEADER = 16;
const MAGIC = 0x7a6;

const TOKEN_BYTES = 16;
/** Per-slot Float64 fields, each an array over the slots. */
const FIELDS = ['ident', 'x', 'y', 'dx', 'dy', 'seq', 'awaySince', 'score', 'conn', 'connRow', 'lagSince'] as const;

export class World {
  readonly config: GameConfig;
  readonly capacity: number;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private readonly header: Float64Array;
  /** Per slot: ident (id number, 0 when the slot is free); position; direction; last input seq; away since
   * (ms, -1 when present); score; the connection bound to it (id and write-window row, for the server); lagging
   * since (ms, -1 when not: the server skips its frames). */
  readonly ident: Float64Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly dxs: Float64Array;
  readonly dys: Float64Array;
  readonly seqs: Float64Array;
  readonly awaySince: Float64Array;
  readonly scores: Float64Array;
  readonly conns: Float64Array;
  readonly connRows: Float64Array;
  readonly lagSince: Float64Array;
  private readonly names: Uint8Array;
  private readonly nameLengths: Uint8Array;
  private readonly tokens: Uint8Array;
  private readonly nameBytes: number;
  private readonly random: () => number;
  private readonly tokenBytes: () => Uint8Array;
  // Thread-local caches, checked against the shared memory before use.
  private readonly nameJsonCache: string[];
  private readonly nameJsonIdent: Float64Array;
  private slotsVersion = -1;
  private readonly slotList: number[] = [];
  private readonly grid: SpatialGrid;
  private gridKey = '';

  static byteLength(config: GameConfig): number {
    const slots = config.maxPlayers;
    return (HEADER + FIELDS.length * slots) * 8 + slots * (4 * config.maxNameLength + 1 + TOKEN_BYTES);
  }

  constructor(config: GameConfig, options: WorldOptions) {
    this.config = config;
    const capacity = (this.capacity = config.maxPlayers);
    const bytes = World.byteLength(config);
    const buffer = (this.buffer = options.buffer ?? new ArrayBuffer(bytes));
    if (buffer.byteLength < bytes) throw new RangeError(`the world needs ${bytes} bytes, got ${buffer.byteLength}`);
    this.random = options.random ?? Math.random;
    this.tokenBytes = options.tokenBytes ?? (() => randomBytes(TOKEN_BYTES));
    this.header = new Float64Array(buffer, 0, HEADER);
    let offset = HEADER * 8;
    const field = () => {
      const array = new Float64Array(buffer, offset, capacity);
      offset += capacity * 8;
      return array;
    };
    this.ident = field();
    this.xs = field();
    this.ys = field();
    this.dxs = field();
    this.dys = field();
    this.seqs = field();
    this.awaySince = field();
    this.scores = field();
    this.conns = field();
    this.connRows = field();
    this.lagSince = field();
    this.nameBytes = 4 * config.maxNameLength;
    this.names = new Uint8Array(buffer, offset, capacity * this.nameBytes);
    offset += capacity * this.nameBytes;
    this.nameLengths = new Uint8Array(buffer, offset, capacity);
    offset += capacity;
    this.tokens = new Uint8Array(buffer, offset, capacity * TOKEN_BYTES);
    this.nameJsonCache = new Array(capacity);
    this.nameJsonIdent = new Float64Array(capacity);
    this.grid = new SpatialGrid(config.arenaW, config.arenaH, config.viewCell);
    const h = this.header;
    if (h[H_MAGIC] !== MAGIC) {
      h[H_TIME] = options.now;
      h[H_IT] = -1;
      h[H_LAST_TAGGER] = -1;
      h[H_SERIAL] = 1;
      h[H_MAGIC] = MAGIC;
    }
  }

  get size(): number {
    return this.header[H_COUNT]!;
  }

  get tick(): number {
    return this.header[H_TICK]!;
  }

  get time(): number {
    return this.header[H_TIME]!;
  }

  /** The slot of "it", or -1 when nobody is present. */
  get itSlot(): number {
    return this.header[H_IT]!;
  }

  /** The id of "it", or undefined when nobody is present. */
  get it(): string | undefined {
    const slot = this.header[H_IT]!;
    return slot < 0 ? undefined : this.idOf(slot);
  }

  /** Bumped on every join and leave (so threads know when their cached lists are stale). */
  get version(): number {
    return this.header[H_VERSION]!;
  }

  idOf(slot: number): string {
    return this.ident[slot]!.toString(36);
  }

  /** The slot of a player id, or -1 when no such player is here. */
  slotOf(id: string): number {
    if (typeof id !== 'string' || id.length === 0 || id.length > 11) return -1;
    const ident = Number.parseInt(id, 36);
    if (!Number.isSafeInteger(ident) || ident <= 0) return -1;
    const slot = ident % this.capacity;
    return this.ident[slot] === ident && ident.toString(36) === id ? slot : -1;
  }

  get(id: string): Player | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : new Player(this, slot);
  }

  /** The slots in use (present and away), in slot order. The array is reused: copy it to keep it. */
  slots(): readonly number[] {
    const version = this.header[H_VERSION]!;
    if (version !== this.slotsVersion) {
      this.slotList.length = 0;
      const high = this.header[H_HIGH]!;
      for (let slot = 0; slot < high; slot++) if (this.ident[slot] !== 0) this.slotList.push(slot);
      this.slotsVersion = version;
    }
    return this.slotList;
  }

  list(): Player[] {
    return this.slots().map((slot) => new Player(this, slot));
  }

  join(name: string): JoinResult {
    const h = this.header;
    if (h[H_COUNT]! >= this.capacity) return { refused: 'full' };
    let slot = 0;
    while (this.ident[slot] !== 0) slot++;
    const serial = h[H_SERIAL]!;
    h[H_SERIAL] = serial + 1;
    const ident = serial * this.capacity + slot;
    const clean = cleanName(name, this.config.maxNameLength) || `player ${ident.toString(36)}`;
    const encoded = Buffer.from(clean, 'utf8');
    this.names.set(encoded, slot * this.nameBytes);
    this.nameLengths[slot] = encoded.length;
    this.tokens.set(this.tokenBytes().subarray(0, TOKEN_BYTES), slot * TOKEN_BYTES);
    const spawn = this.spawnPoint();
    this.xs[slot] = spawn.x;
    this.ys[slot] = spawn.y;
    this.dxs[slot] = this.dys[slot] = 0;
    this.seqs[slot] = -1;
    this.awaySince[slot] = -1;
    this.scores[slot] = 0;
    this.conns[slot] = 0;
    this.connRows[slot] = -1;
    this.lagSince[slot] = -1;
    this.ident[slot] = ident;
    h[H_COUNT] = h[H_COUNT]! + 1;
    if (slot >= h[H_HIGH]!) h[H_HIGH] = slot + 1;
    h[H_VERSION] = h[H_VERSION]! + 1;
    if (h[H_IT] === -1) h[H_IT] = slot;
    return { player: new Player(this, slot) };
  }

  /** The player holding this token, present again (its input reset), or undefined when unknown or expired. */
  rejoin(token: string, now: number): Player | undefined {
    if (typeof token !== 'string') return undefined;
    const dot = token.indexOf('.');
    if (dot < 0) return undefined;
    const slot = this.slotOf(token.slice(0, dot));
    if (slot < 0) return undefined;
    const secret = Buffer.from(token.slice(dot + 1), 'base64url');
    const stored = this.tokens.subarray(slot * TOKEN_BYTES, (slot + 1) * TOKEN_BYTES);
    if (secret.length !== TOKEN_BYTES || !secret.equals(stored)) return undefined;
    const away = this.awaySince[slot]!;
    if (away >= 0 && now - away > this.config.graceMs) {
      this.leaveSlot(slot);
      return undefined;
    }
    this.awaySince[slot] = -1;
    this.dxs[slot] = this.dys[slot] = 0;
    this.seqs[slot] = -1;
    this.lagSince[slot] = -1;
    if (this.header[H_IT] === -1) this.header[H_IT] = slot;
    return new Player(this, slot);
  }

  /**
   * A direction from a client. Non-numbers are refused (false); each axis is clamped to -1..1 and the vector
   * to length 1, so the speed never exceeds config.speed. Inputs older than the last one (by seq) are ignored.
   */
  input(id: string, seq: number, dx: number, dy: number): boolean {
    const slot = this.slotOf(id);
    if (slot < 0 || this.awaySince[slot]! >= 0) return false;
    if (!Number.isFinite(seq) || !Number.isFinite(dx) || !Number.isFinite(dy)) return false;
    if (seq <= this.seqs[slot]!) return true;
    this.seqs[slot] = seq;
    let x = dx < -1 ? -1 : dx > 1 ? 1 : dx;
    let y = dy < -1 ? -1 : dy > 1 ? 1 : dy;
    const length = Math.hypot(x, y);
    if (length > 1) {
      x /= length;
      y /= length;
    }
    this.dxs[slot] = x;
    this.dys[slot] = y;
    return true;
  }

  /** Marks the player away (it stands still, cannot be tagged, and is kept for graceMs). */
  disconnect(id: string, now: number): void {
    const slot = this.slotOf(id);
    if (slot < 0 || this.awaySince[slot]! >= 0) return;
    this.awaySince[slot] = now;
    this.dxs[slot] = this.dys[slot] = 0;
    this.conns[slot] = 0;
    this.connRows[slot] = -1;
    if (this.header[H_IT] === slot) this.chooseIt(slot);
  }

  /** Removes the player now. Returns whether it was there. */
  leave(id: string): boolean {
    const slot = this.slotOf(id);
    if (slot < 0) return false;
    this.leaveSlot(slot);
    return true;
  }

  /** Removes the players away for longer than graceMs; returns their ids. */
  expire(now: number): string[] {
    const gone: string[] = [];
    for (const slot of this.slots()) {
      const away = this.awaySince[slot]!;
      if (away >= 0 && now - away > this.config.graceMs) gone.push(this.idOf(slot));
    }
    for (const id of gone) this.leave(id);
    return gone;
  }

  /** Advances the world to `now`: moves every present player, then lets "it" tag at most one player. */
  step(now: number): StepResult {
    const h = this.header;
    const { speed, radius, arenaW, arenaH, maxStepMs } = this.config;
    const elapsed = Math.min(Math.max(0, now - h[H_TIME]!), maxStepMs);
    h[H_TIME] = Math.max(h[H_TIME]!, now);
    h[H_TICK] = h[H_TICK]! + 1;
    const distance = (speed * elapsed) / 1000;
    if (distance > 0) {
      const { xs, ys, dxs, dys } = this;
      for (const slot of this.slots()) {
        const dx = dxs[slot]!;
        const dy = dys[slot]!;
        if (dx === 0 && dy === 0) continue;
        xs[slot] = clamp(xs[slot]! + dx * distance, radius, arenaW - radius);
        ys[slot] = clamp(ys[slot]! + dy * distance, radius, arenaH - radius);
      }
    }
    return { tick: h[H_TICK]!, time: h[H_TIME]!, tag: this.tagByContact(now) };
  }

  /** The grid of players' positions, rebuilt when the world changed since this thread last built it. */
  spatial(): SpatialGrid {
    const key = `${this.header[H_VERSION]}:${this.header[H_TICK]}`;
    if (key !== this.gridKey) {
      this.grid.rebuild(this.slots(), this.xs, this.ys);
      this.gridKey = key;
    }
    return this.grid;
  }

  /** Forgets this thread's grid, for callers that move players between steps (tests). */
  invalidate(): void {
    this.gridKey = '';
  }

  /** The players whose centres lie within `range` of (x, y). */
  near(x: number, y: number, range: number): Player[] {
    const out: Player[] = [];
    const r2 = range * range;
    this.spatial().forEachNear(x, y, range, (slot) => {
      const ddx = this.xs[slot]! - x;
      const ddy = this.ys[slot]! - y;
      if (ddx * ddx + ddy * ddy <= r2) out.push(new Player(this, slot));
    });
    return out;
  }

  nameOf(slot: number): string {
    const start = slot * this.nameBytes;
    return Buffer.from(this.names.buffer, this.names.byteOffset + start, this.nameLengths[slot]).toString('utf8');
  }

  /** The name as a JSON string literal, cached per thread for the encoders. */
  nameJson(slot: number): string {
    const ident = this.ident[slot]!;
    if (this.nameJsonIdent[slot] !== ident) {
      this.nameJsonCache[slot] = JSON.stringify(this.nameOf(slot));
      this.nameJsonIdent[slot] = ident;
    }
    return this.nameJsonCache[slot]!;
  }

  tokenOf(slot: number): string {
    const secret = Buffer.from(this.tokens.buffer, this.tokens.byteOffset + slot * TOKEN_BYTES, TOKEN_BYTES).toString('base64url');
    return `${this.idOf(slot)}.${secret}`;
  }

  private leaveSlot(slot: number): void {
    const h = this.header;
    this.ident[slot] = 0;
    this.conns[slot] = 0;
    this.connRows[slot] = -1;
    h[H_COUNT] = h[H_COUNT]! - 1;
    h[H_VERSION] = h[H_VERSION]! + 1;
    if (h[H_LAST_TAGGER] === slot) h[H_LAST_TAGGER] = -1;
    if (h[H_IT] === slot) this.chooseIt(slot);
  }

  private tagByContact(now: number): TagEvent | undefined {
    const h = this.header;
    const it = h[H_IT]!;
    if (it < 0 || this.awaySince[it]! >= 0) return undefined;
    const reach = 2 * this.config.radius;
    const blocked = now < h[H_TAG_BACK_UNTIL]! ? h[H_LAST_TAGGER]! : -1;
    const itX = this.xs[it]!;
    const itY = this.ys[it]!;
    let best = -1;
    let bestD2 = reach * reach;
    this.spatial().forEachNear(itX, itY, reach, (slot) => {
      if (slot === it || slot === blocked || this.awaySince[slot]! >= 0) return;
      const ddx = this.xs[slot]! - itX;
      const ddy = this.ys[slot]! - itY;
      const d2 = ddx * ddx + ddy * ddy;
      if (d2 < bestD2) {
        best = slot;
        bestD2 = d2;
      }
    });
    if (best < 0) return undefined;
    this.scores[it] = this.scores[it]! + 1;
    h[H_IT] = best;
    h[H_LAST_TAGGER] = it;
    h[H_TAG_BACK_UNTIL] = now + this.config.tagBackMs;
    return { tagger: this.idOf(it), tagged: this.idOf(best) };
  }

  /** A present player other than `except`, chosen at random, becomes "it" (none: -1). */
  private chooseIt(except: number): void {
    const candidates: number[] = [];
    for (const slot of this.slots()) {
      if (slot !== except && this.ident[slot] !== 0 && this.awaySince[slot]! < 0) candidates.push(slot);
    }
    this.header[H_IT] = candidates.length === 0 ? -1 : candidates[Math.floor(this.random() * candidates.length)]!;
    this.header[H_LAST_TAGGER] = -1;
  }

  /** A random point, away from "it" when a few tries allow. */
  private spawnPoint(): { x: number; y: number } {
    const { radius, arenaW, arenaH } = this.config;
    const it = this.header[H_IT]!;
    let point = { x: 0, y: 0 };
    for (let attempt = 0; attempt < 8; attempt++) {
      point = { x: radius + this.random() * (arenaW - 2 * radius), y: radius + this.random() * (arenaH - 2 * radius) };
      if (it < 0 || Math.hypot(point.x - this.xs[it]!, point.y - this.ys[it]!) > 6 * radius) break;
    }
    return point;
  }
}

/** A view of one player's slot (reads and writes go to the world's memory). */
export class Player {
  readonly world: World;
  readonly slot: number;
  readonly id: string;

  constructor(world: World, slot: number) {
    this.world = world;
    this.slot = slot;
    this.id = world.idOf(slot);
  }

  /** Whether the slot still holds this player. */
  get here(): boolean {
    return this.world.idOf(this.slot) === this.id && this.world.ident[this.slot] !== 0;
  }
  get name(): string {
    return this.world.nameOf(this.slot);
  }
  get token(): string {
    return this.world.tokenOf(this.slot);
  }
  get x(): number {
    return this.world.xs[this.slot]!;
  }
  set x(value: number) {
    this.world.xs[this.slot] = value;
    this.world.invalidate();
  }
  get y(): number {
    return this.world.ys[this.slot]!;
  }
  set y(value: number) {
    this.world.ys[this.slot] = value;
    this.world.invalidate();
  }
  get dx(): number {
    return this.world.dxs[this.slot]!;
  }
  get dy(): number {
    return this.world.dys[this.slot]!;
  }
  get score(): number {
    return this.world.scores[this.slot]!;
  }
  get seq(): number {
    return this.world.seqs[this.slot]!;
  }
  /** Disconnected and waiting for a rejoin since this time (ms), or -1 when present. */
  get awaySince(): number {
    return this.world.awaySince[this.slot]!;
  }
}

/** Trims, drops control characters and cuts to `max` characters (by code point). */
export function cleanName(name: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const printable = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  return Array.from(printable).slice(0, max).join('');
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
