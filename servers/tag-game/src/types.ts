/** The values that flow through tag-game.flux. All plain data: under the threaded runtimes they cross threads. */

import type { Conn } from '@flux/runtime/api.ts';
import type { ClientMessage } from './game/parse.ts';

/** A WebSocket connection as nodes see it: its io handle and the player it joined as (null before a join). */
export interface Client {
  readonly conn: Conn;
  readonly player: string | null;
}

/** What Listen emits per connection: a text frame, or the connection's close (with its WebSocket close code). */
export type Inbound = { readonly text: string; readonly closed?: undefined } | { readonly closed: number; readonly text?: undefined };

/** A parsed message: the protocol's, the connection's close, or a type the server does not know. */
export type Message = ClientMessage | { readonly type: 'closed'; readonly code: number } | { readonly type: 'unknown'; readonly name: string };

/** What a message flow answers, for Listen to act on. */
export interface Reply {
  /** The welcome frame's payload (JSON text) to send, after a join or a rejoin. */
  readonly welcome?: Uint8Array;
  /** The player this connection now is. */
  readonly player?: string;
  /** A connection that held this player before (a rejoin elsewhere): Listen closes it with 4008. */
  readonly replaced?: Conn;
}

/** One tick's frames and who gets which: targets holds (connection id, write-window row, frame index, slot) per player. */
export interface Broadcast {
  readonly tick: number;
  readonly frames: Uint8Array[];
  readonly targets: Float64Array;
}
