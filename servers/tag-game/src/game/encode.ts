/**
 * The server's messages as bytes (UTF-8 JSON text frames). A tick's state is encoded once and the same bytes
 * go to every player:
 *
 *   encodeWelcome(player, world, tickHz)  // {"type":"welcome","id","token","arena":{"w","h"},"tickHz"}
 *   encodeState(world)                    // the full snapshot: {"type":"state","tick","time","it","players":[...]}
 *   const views = new ViewEncoder();
 *   views.encode(world);                  // once per tick: one snapshot per occupied interest cell
 *   views.viewFor(slot)                   // the bytes for the player in this slot: the players of its 3 x 3 cells, and "it"
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
export function playerJson(world: World, slot: number): string {
  return `{"id":"${world.idOf(slot)}","name":${world.nameJson(slot)},"x":${Math.round(world.xs[slot]!)},"y":${Math.round(world.ys[slot]!)},"score":${world.scores[slot]}}`;
}

function header(world: World): string {
  const it = world.it;
  return `{"type":"state","tick":${world.tick},"time":${Math.round(world.time)},"it":${it === undefined ? 'null' : `"${it}"`},"players":[`;
}

/** The full snapshot: every player. */
export function encodeState(world: World): Buffer {
  const parts: string[] = [];
  for (const slot of world.slots()) parts.push(playerJson(world, slot));
  return Buffer.from(`${header(world)}${parts.join(',')}]}`);
}

/** Per-cell snapshots with interest management, rebuilt by encode() once per tick. */
export class ViewEncoder {
  private readonly views = new Map<number, Buffer>();
  private world: World | undefined;
  /** Entries encoded at the last encode(), by slot. */
  private entries: string[] = [];
  private head = '';

  /** Encodes one view per occupied cell of the world's grid. */
  encode(world: World): void {
    this.world = world;
    this.views.clear();
    const grid = world.spatial();
    const entries = (this.entries = new Array(world.capacity));
    for (const slot of world.slots()) entries[slot] = playerJson(world, slot);
    this.head = header(world);
    for (const cell of grid.occupied) this.views.set(cell, this.make(cell));
  }

  /** The bytes for the player in `slot` from the last encode() (one who moved cells since gets a view made now). */
  viewFor(slot: number): Buffer {
    const world = this.world;
    if (world === undefined) throw new Error('ViewEncoder.viewFor before encode');
    const cell = world.spatial().cellOf(world.xs[slot]!, world.ys[slot]!);
    let view = this.views.get(cell);
    if (view === undefined) {
      view = this.make(cell);
      this.views.set(cell, view);
    }
    return view;
  }

  /** Distinct views made since the last encode (for statistics). */
  get count(): number {
    return this.views.size;
  }

  private make(cell: number): Buffer {
    const world = this.world!;
    const it = world.itSlot;
    const parts: string[] = [];
    let sawIt = false;
    world.spatial().neighbourhood(cell, (slot) => {
      if (slot === it) sawIt = true;
      parts.push(this.entries[slot] ?? playerJson(world, slot));
    });
    if (it >= 0 && !sawIt) parts.push(this.entries[it] ?? playerJson(world, it));
    return Buffer.from(`${this.head}${parts.join(',')}]}`);
  }
}
