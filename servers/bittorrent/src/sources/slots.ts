/** Rows of the shared peer table, handed out by the thread that runs the sources (main). */

import { C_PEERS, MAX_PEERS, type SwarmState } from '../state/swarm-state.ts';

const inUse = new Uint8Array(MAX_PEERS);

export const slots = {
  take(st: SwarmState): number {
    for (let s = 0; s < MAX_PEERS; s++) {
      if (inUse[s] === 0) {
        inUse[s] = 1;
        st.addCounter(C_PEERS, 1);
        return s;
      }
    }
    return -1;
  },
  give(st: SwarmState, slot: number): void {
    if (inUse[slot] === 1) st.addCounter(C_PEERS, -1);
    inUse[slot] = 0;
  },
  count(): number {
    return inUse.reduce((a, b) => a + b, 0);
  },
};
