/** Reaching peers from any thread: their connections (rebuilt from the shared peer table), rates, depth. */

import type { Conn } from '@flux/runtime/api.ts';
import { io } from '@flux/runtime/io/index.ts';
import { BLOCK } from '../protocol/wire.ts';
import {
  F_LAST_SENT, F_RATE_DOWN, F_RATE_UP, F_WINDOW_DOWN, F_WINDOW_START, F_WINDOW_UP, MAX_PEERS, P_CONN, P_OPEN, P_REQQ, P_ROW,
  type SwarmState,
} from '../state/swarm-state.ts';

/** A handle for io on a peer's connection, from its row (io needs only the id and the write-window row). */
export function connOf(st: SwarmState, slot: number): Conn | undefined {
  const id = st.pi(slot, P_CONN);
  if (id === 0) return undefined;
  return { id, remoteAddress: '', remotePort: 0, row: st.pi(slot, P_ROW) };
}

/** Calls fn for every peer whose 'open' message has run. */
export function forEachOpenPeer(st: SwarmState, fn: (slot: number, conn: Conn) => void): void {
  for (let s = 0; s < MAX_PEERS; s++) {
    if (st.pi(s, P_OPEN) !== 1) continue;
    const conn = connOf(st, s);
    if (conn !== undefined) fn(s, conn);
  }
}

export function send(st: SwarmState, slot: number, conn: Conn, data: Uint8Array): boolean {
  st.setPf(slot, F_LAST_SENT, Date.now());
  return io.write(conn, data);
}

const RATE_WINDOW_MS = 500;

/** Counts bytes from (down) or to (up) a peer into its smoothed rates. */
export function countBytes(st: SwarmState, slot: number, down: number, up: number, now = Date.now()): void {
  const start = st.pf(slot, F_WINDOW_START);
  if (start === 0) st.setPf(slot, F_WINDOW_START, now);
  st.setPf(slot, F_WINDOW_DOWN, st.pf(slot, F_WINDOW_DOWN) + down);
  st.setPf(slot, F_WINDOW_UP, st.pf(slot, F_WINDOW_UP) + up);
  const elapsed = now - (start === 0 ? now : start);
  if (elapsed >= RATE_WINDOW_MS) rollRates(st, slot, now);
}

/** Closes the current rate window of a peer (also called by the choker, so idle peers decay). */
export function rollRates(st: SwarmState, slot: number, now = Date.now()): void {
  const start = st.pf(slot, F_WINDOW_START);
  const elapsed = now - start;
  if (start === 0 || elapsed <= 0) return;
  const down = (st.pf(slot, F_WINDOW_DOWN) * 1000) / elapsed;
  const up = (st.pf(slot, F_WINDOW_UP) * 1000) / elapsed;
  st.setPf(slot, F_RATE_DOWN, st.pf(slot, F_RATE_DOWN) * 0.5 + down * 0.5);
  st.setPf(slot, F_RATE_UP, st.pf(slot, F_RATE_UP) * 0.5 + up * 0.5);
  st.setPf(slot, F_WINDOW_START, now);
  st.setPf(slot, F_WINDOW_DOWN, 0);
  st.setPf(slot, F_WINDOW_UP, 0);
}

/** Seconds of data we keep asked for: a peer's pipeline holds what it sends in this long, within bounds. */
const PIPELINE_SECONDS = 0.5;
const MIN_PIPELINE = 64;

/** Requests to keep out to a peer: from its measured rate, at least MIN_PIPELINE, at most its reqq and ours. */
export function pipelineDepth(st: SwarmState, slot: number, maxPipeline: number): number {
  const reqq = st.pi(slot, P_REQQ);
  const cap = Math.max(1, Math.min(maxPipeline, reqq > 0 ? reqq : 250));
  const byRate = Math.ceil((st.pf(slot, F_RATE_DOWN) * PIPELINE_SECONDS) / BLOCK);
  return Math.min(cap, Math.max(MIN_PIPELINE, byRate));
}
