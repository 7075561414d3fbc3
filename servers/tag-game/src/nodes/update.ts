/**
 * The tick's nodes. UpdateBoard (under the world's write lock) drops players whose grace ran out, moves
 * everyone, tags, and encodes the state once: one frame for all (--full-state), or one per occupied interest
 * cell. SendData writes each player's frame to its connection through io, from whatever thread the flow runs
 * on, skipping players whose connection is behind (Listen marks them) or not yet welcomed.
 */

import type { Conn } from '@flux/runtime/api.ts';
import { io } from '@flux/runtime';
import { ViewEncoder, encodeState } from '../game/encode.ts';
import { textFrame } from '../net/frames.ts';
import { current } from '../state.ts';
import type { Broadcast } from '../types.ts';

const views = new ViewEncoder();
/** Frames in shared memory when another thread may write them (every runtime but event). */
let sharedFrames = false;

export function setFrameSharing(shared: boolean): void {
  sharedFrames = shared;
}

/** Per target: connection id, write-window row, frame index, slot. */
const TARGET = 4;

export function UpdateBoard(now: number): [Broadcast] {
  const { world, options } = current();
  world.expire(now);
  const { tick } = world.step(now);
  const slots = world.slots();
  const targets = new Float64Array(slots.length * TARGET);
  const frames: Uint8Array[] = [];
  let n = 0;
  if (options.fullState) {
    frames.push(textFrame(encodeState(world), sharedFrames));
    for (const slot of slots) {
      if (world.conns[slot] === 0) continue;
      targets.set([world.conns[slot]!, world.connRows[slot]!, 0, slot], n);
      n += TARGET;
    }
  } else {
    views.encode(world);
    const index = new Map<Uint8Array, number>();
    for (const slot of slots) {
      if (world.conns[slot] === 0) continue;
      const view = views.viewFor(slot);
      let i = index.get(view);
      if (i === undefined) {
        i = frames.push(textFrame(view, sharedFrames)) - 1;
        index.set(view, i);
      }
      targets.set([world.conns[slot]!, world.connRows[slot]!, i, slot], n);
      n += TARGET;
    }
  }
  return [{ tick, frames, targets: targets.subarray(0, n) }];
}

export function SendData(broadcast: Broadcast): void {
  const { world } = current();
  const { targets, frames } = broadcast;
  for (let n = 0; n < targets.length; n += TARGET) {
    const slot = targets[n + 3]!;
    const id = targets[n]!;
    // Behind (or not yet welcomed), or gone since UpdateBoard: skip this frame.
    if (world.lagSince[slot] !== -1 || world.conns[slot] !== id) continue;
    const conn: Conn = { id, row: targets[n + 1]!, remoteAddress: '', remotePort: 0 };
    io.write(conn, frames[targets[n + 2]!]!);
  }
}

export function TickFailed(error: unknown, _now: number): void {
  process.stderr.write(`tag-game: a tick failed: ${error instanceof Error ? error.stack : String(error)}\n`);
}
