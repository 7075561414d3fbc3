/** Types the example programs import. Plain data, so values can cross threads. */

/** A connection as node code sees it (the same shape as the runtime's `Conn`). */
export interface Conn {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

// Web server
export interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}
export interface Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

// Image server
export interface ImageRequest {
  readonly path: string;
  readonly width: number;
}
export interface CacheEntry {
  readonly key: string;
  readonly image: Uint8Array | null;
}

// Game server
export type MessageKind = 'engine' | 'turn' | 'connect' | 'disconnect';
export interface Player {
  readonly id: number;
  readonly name: string;
}
export interface Board {
  readonly tick: number;
  readonly cells: readonly number[];
}

// BitTorrent peer
export type PeerId = string;
export type PieceIndex = number;
export interface Torrent {
  readonly infoHash: string;
  readonly announce: string;
}
export interface TrackerReply {
  readonly interval: number;
  readonly peers: readonly { readonly host: string; readonly port: number }[];
}
export type PeerMessage =
  | { readonly type: 'choke' | 'unchoke' | 'interested' | 'uninterested' | 'keep-alive' }
  | { readonly type: 'have'; readonly index: PieceIndex }
  | { readonly type: 'bitfield'; readonly bits: Uint8Array }
  | { readonly type: 'request' | 'cancel'; readonly index: PieceIndex; readonly begin: number; readonly length: number }
  | { readonly type: 'piece'; readonly index: PieceIndex; readonly begin: number; readonly block: Uint8Array };
export interface Block {
  readonly index: PieceIndex;
  readonly begin: number;
  readonly data: Uint8Array;
}
