/**
 * Tit-for-tat choking (BEP 3's choking algorithm, as libtorrent's "fastest upload" and "rate-based" chokers):
 * every round, the interested peers that gave us the most (while we download; that we gave the most to, once we
 * seed) keep the regular upload slots, and one more slot goes to a random other peer, rotated every third round
 * (the optimistic unchoke), so newcomers get a chance to show what they give. Called under the `slots` lock.
 */

import * as W from '../protocol/wire.ts';
import { connOf, rollRates, send } from './peers.ts';
import {
  F_RATE_DOWN, F_RATE_UP, MAX_PEERS, P_AM_CHOKING, P_OPEN, P_OPTIMISTIC, P_PEER_INTERESTED, type SwarmState,
} from '../state/swarm-state.ts';

export function countUnchoked(st: SwarmState): number {
  let n = 0;
  for (let s = 0; s < MAX_PEERS; s++) if (st.pi(s, P_OPEN) === 1 && st.pi(s, P_AM_CHOKING) === 0) n++;
  return n;
}

export function rechoke(st: SwarmState, uploadSlots: number, round: number): void {
  const seeding = st.complete();
  const interested: number[] = [];
  for (let s = 0; s < MAX_PEERS; s++) {
    if (st.pi(s, P_OPEN) !== 1) continue;
    rollRates(st, s);
    if (st.pi(s, P_PEER_INTERESTED) === 1) interested.push(s);
  }
  const rate = (s: number): number => st.pf(s, seeding ? F_RATE_UP : F_RATE_DOWN);
  interested.sort((a, b) => rate(b) - rate(a));
  const regular = Math.max(0, uploadSlots - 1);
  const unchoke = new Set(interested.slice(0, regular));
  const rest = interested.slice(regular);
  let optimistic = rest.find((s) => st.pi(s, P_OPTIMISTIC) === 1);
  if (optimistic === undefined || round % 3 === 0) {
    if (rest.length > 0) optimistic = rest[Math.floor(Math.random() * rest.length)];
  }
  for (let s = 0; s < MAX_PEERS; s++) st.setPi(s, P_OPTIMISTIC, s === optimistic ? 1 : 0);
  if (optimistic !== undefined) unchoke.add(optimistic);
  for (let s = 0; s < MAX_PEERS; s++) {
    if (st.pi(s, P_OPEN) !== 1) continue;
    const choking = st.pi(s, P_AM_CHOKING) === 1;
    const want = unchoke.has(s);
    if (want === !choking) continue;
    const conn = connOf(st, s);
    if (conn === undefined) continue;
    st.setPi(s, P_AM_CHOKING, want ? 0 : 1);
    send(st, s, conn, want ? W.unchokeMsg : W.chokeMsg);
  }
}
