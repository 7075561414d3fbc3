/** The BEP 3 handshake: 19, "BitTorrent protocol", 8 reserved bytes, the info hash, the peer id (68 bytes). */

export const PROTOCOL = 'BitTorrent protocol';
export const HANDSHAKE_LENGTH = 68;

/** Reserved bits we set and read: the extension protocol (BEP 10) and the fast extension (BEP 6). */
export const RESERVED_EXTENDED = { byte: 5, bit: 0x10 } as const;
export const RESERVED_FAST = { byte: 7, bit: 0x04 } as const;

export function handshake(infoHash: Uint8Array, peerId: Uint8Array): Buffer {
  const b = Buffer.alloc(HANDSHAKE_LENGTH);
  b[0] = 19;
  b.write(PROTOCOL, 1, 'latin1');
  b[20 + RESERVED_EXTENDED.byte] |= RESERVED_EXTENDED.bit;
  b[20 + RESERVED_FAST.byte] |= RESERVED_FAST.bit;
  b.set(infoHash, 28);
  b.set(peerId, 48);
  return b;
}

export interface Handshake {
  readonly reserved: Buffer;
  readonly infoHash: Buffer;
  readonly peerId: Buffer;
}

export class HandshakeError extends Error {
  readonly code = 'BT_ERR_HANDSHAKE';
}

/** Parses the 68 bytes at the start of `b`; throws HandshakeError on anything but a BEP 3 handshake. */
export function parseHandshake(b: Buffer): Handshake {
  if (b.length < HANDSHAKE_LENGTH) throw new HandshakeError('short handshake');
  if (b[0] !== 19 || b.toString('latin1', 1, 20) !== PROTOCOL) throw new HandshakeError('not a BitTorrent handshake');
  return { reserved: b.subarray(20, 28), infoHash: b.subarray(28, 48), peerId: b.subarray(48, 68) };
}

export function supportsExtended(reserved: Uint8Array): boolean {
  return (reserved[RESERVED_EXTENDED.byte]! & RESERVED_EXTENDED.bit) !== 0;
}

export function supportsFast(reserved: Uint8Array): boolean {
  return (reserved[RESERVED_FAST.byte]! & RESERVED_FAST.bit) !== 0;
}

/** A peer id in the Azureus style: -FX0100- and 12 random bytes. */
export function newPeerId(): Buffer {
  const id = Buffer.alloc(20);
  id.write('-FX0100-', 0, 'latin1');
  for (let i = 8; i < 20; i++) id[i] = 48 + Math.floor(Math.random() * 10);
  return id;
}
