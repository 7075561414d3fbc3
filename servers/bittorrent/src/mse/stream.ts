/** What a completed MSE handshake hands to the BitTorrent wire. */

import type { Rc4 } from './rc4.ts';

export interface MseStream {
  /** The torrent the initiator asked for (the responder matched it among the known hashes). */
  readonly infoHash: Buffer;
  /** False when plaintext was selected for the stream after the handshake. */
  readonly encrypted: boolean;
  /** Identity when !encrypted. Call in stream order: RC4 is a running keystream. */
  encrypt(data: Buffer): Buffer;
  /** Identity when !encrypted. Call in stream order. */
  decrypt(data: Buffer): Buffer;
  /** Bytes already read past the MSE handshake, decrypted (the BitTorrent handshake's start, or nothing). */
  readonly leftover: Buffer;
}

const identity = (data: Buffer): Buffer => data;

export function plaintextStream(infoHash: Buffer, leftover: Buffer): MseStream {
  return { infoHash, encrypted: false, encrypt: identity, decrypt: identity, leftover };
}

export function rc4Stream(infoHash: Buffer, encrypt: Rc4, decrypt: Rc4, leftover: Buffer): MseStream {
  return { infoHash, encrypted: true, encrypt: (data) => encrypt(data), decrypt: (data) => decrypt(data), leftover };
}
