/** The values that flow between the nodes of bittorrent.flux. All are structured-cloneable. */

import type { Conn } from '@flux/runtime/api.ts';

/** A connected peer: its connection and its row in the shared peer table (state/peers.ts). */
export interface Peer {
  readonly conn: Conn;
  readonly slot: number;
}

/**
 * One wire message: its id (protocol/wire.ts) and its payload after the id byte. Two ids are not on the wire:
 * OPEN (the handshake is done; data = the peer's 8 reserved bytes then its 20-byte peer id) and CLOSED.
 */
export interface Msg {
  readonly id: number;
  readonly data: Uint8Array;
}

/** A block that arrived, and what became of its piece. */
export interface PieceEvent {
  readonly piece: number;
  /** Every block of the piece has arrived. */
  readonly complete: boolean;
  /** The piece matched its SHA-1 (set by VerifyPiece). */
  readonly good: boolean;
  /** CRC-32 of each block of a piece that failed (smart ban: compared with the good copy later). */
  readonly crcs?: readonly number[];
}

/** A timer's tick: the time it fired (ms since the epoch). */
export type Tick = number;

/** One tracker announce, filled in as it goes. */
export interface Announce {
  readonly url: string;
  readonly event: '' | 'started' | 'completed' | 'stopped';
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
  /** Compact IPv4 addresses the tracker returned, as 'ip:port'. */
  readonly peers: readonly string[];
  readonly interval: number;
}
