/**
 * Rows of the shared peer table. A row is taken by the source that accepted or dialled the connection (on main,
 * or under `workers` on the worker whose copy of Listen accepted it) with a compare-and-swap on its connection
 * field, so copies of a source on several threads never take the same row; PeerClosed frees it (P_CONN = 0).
 */

import { C_PEERS, MAX_PEERS, P_CONN, type SwarmState } from '../state/swarm-state.ts';

/** A row being set up: taken, its connection not registered yet. */
const RESERVED = -1;

export const slots = {
  take(st: SwarmState): number {
    for (let s = 0; s < MAX_PEERS; s++) {
      if (Atomics.compareExchange(st.peerI32, st.fieldIndex(s, P_CONN), 0, RESERVED) === 0) {
        st.addCounter(C_PEERS, 1);
        return s;
      }
    }
    return -1;
  },
  /** After the row's CLOSED flow: PeerClosed has already zeroed its connection field, so it is free again. */
  give(st: SwarmState, _slot: number): void {
    st.addCounter(C_PEERS, -1);
  },
  count(st: SwarmState): number {
    return st.counter(C_PEERS);
  },
};
