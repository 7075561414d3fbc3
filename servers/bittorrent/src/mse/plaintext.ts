const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');

/**
 * True when the first bytes of a connection are a plain BitTorrent handshake (19, "BitTorrent protocol") rather
 * than an MSE public key. Decides on the bytes given: pass at least 20 for a reliable answer (a public key starts
 * with 19 one time in 256, and with all 20 of these bytes practically never).
 */
export function looksLikePlaintextHandshake(first: Uint8Array): boolean {
  if (first.length === 0) return false;
  const n = Math.min(first.length, PROTOCOL.length);
  for (let i = 0; i < n; i++) if (first[i] !== PROTOCOL[i]) return false;
  return true;
}
