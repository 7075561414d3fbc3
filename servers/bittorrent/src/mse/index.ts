/**
 * Message Stream Encryption (MSE/PE), the obfuscation handshake webtorrent opens outgoing connections with by
 * default. `respondMse` answers it for incoming connections whose first bytes are not a plaintext handshake;
 * `initiateMse` opens it on outgoing ones (webtorrent also accepts plaintext there).
 */

export { looksLikePlaintextHandshake } from './plaintext.ts';
export type { MseStream } from './stream.ts';
export { respondMse, type MseOptions } from './responder.ts';
export { initiateMse, type InitiateOptions } from './initiator.ts';
export { MseError, type MseErrorCode } from './errors.ts';
export { CRYPTO_PLAINTEXT, CRYPTO_RC4 } from './constants.ts';
export { nativeRc4Available } from './rc4.ts';
