/**
 * The server's messages as bytes (UTF-8 JSON text frames). A tick's state is encoded once and the same bytes
 * go to every player:
 *
 *   encodeWelcome(player, world, tickHz)  // {"type":"welcome","id","token","arena":{"w","h"},"tickHz"}
 *   encodeState(world)                    // the full snapshot: {"type":"state","tick","time","it","players":[...]}
 *   const views = new ViewEncoder();
 *   views.encode(world);                  // once per tick: one snapshot per occupied interest cell
 *   views.viewFor(player)                 // the bytes for this player: the players of its 3 x 3 cells, and "it"
 *
 * Players: {"id","name","x","y","score"}, x and y rounded to whole units. With interest management, players in
 * the same cell get the same bytes, so the encoding work grows with occupied cells, not with players.
 */

import type { Player, World } from './world.ts';

export function encodeWelcome(player: Player, world: World, tickHz: number): Buffer {
  const { arenaW, arenaH } = world.config;
  return Buffer.from(
    `{"type":"welcome","id":"${player.id}","token":${JSON.stringify(player.token)},"arena":{"w":${arenaW},"h":${arenaH}},"tickHz":${tickHz}}`,
  );
}

/** One player's entry in a state message. */
export function playerJson(p: Player): string {
  return `{"id":"${p.id}","name":${p.nameJson},"x":${Math.round(p.x)},"y":${Math.round(p.y)},"score":${p.score}}`;
}

function header(world: World): string {
  const it = world.it === undefined ? 'null' : `"${world.it}"`;
  return `{"type":"state","tick":${world.tick},"time":${Math.round(world.time)},"it":${it},"players":[`;
}

/** The full snapshot: every player. */
export function encodeState(world: World): Buffer {
  const parts: string[] = [];
  for (const p of world.players.values()) parts.push(playerJson(p));
  return Buffer.from(`${header(world)}${parts.join(',')}]}`);
}

/** Per-cell snapshots with interest management, rebuilt by encode() once per tick. */
export class ViewEncoder {
  private readonly views = new Map<number, Buffer>();
  private world: World | undefined;
  /** Entries encoded at the last encode(), by player. */
  private readonly entries = new Map<Player, string>();

  /** Encodes one view per occupied cell of the world's grid. */
  encode(world: World): void {
    this.world = world;
    this.views.clear();
    this.entries.clear();
    const grid = world.spatial();
    for (const p of world.players.values()) this.entries.set(p, playerJson(p));
    const it = world.it === undefined ? undefined : world.players.get(world.it);
    const head = header(world);
    for (const cell of grid.occupied) {
      const parts: string[] = [];
      let sawIt = false;
      grid.neighbourhood(cell, (p) => {
        if (p === it) sawIt = true;
        parts.push(this.entries.get(p)!);
      });
      if (it !== undefined && !sawIt) parts.push(this.entries.get(it)!);
      this.views.set(cell, Buffer.from(`${head}${parts.join(',')}]}`));
    }
  }

  /** The bytes for this player from the last encode() (a player who joined since gets its cell's view, or one made now). */
  viewFor(player: Player): Buffer {
    const world = this.world;
    if (world === undefined) throw new Error('ViewEncoder.viewFor before encode');
    const cell = world.spatial().cellOf(player.x, player.y);
    let view = this.views.get(cell);
    if (view === undefined) {
      const parts: string[] = [];
      const it = world.it === undefined ? undefined : world.players.get(world.it);
      let sawIt = false;
      world.spatial().neighbourhood(cell, (p) => {
        if (p === it) sawIt = true;
        parts.push(this.entries.get(p) ?? playerJson(p));
      });
      if (it !== undefined && !sawIt) parts.push(this.entries.get(it) ?? playerJson(it));
      view = Buffer.from(`${header(world)}${parts.join(',')}]}`);
      this.views.set(cell, view);
    }
    return view;
  }

  /** Distinct views made at the last encode (for stats). */
  get count(): number {
    return this.views.size;
  }
}
