/**
 * Fixed values of Message Stream Encryption (MSE/PE), as Vuze, libtorrent and bittorrent-protocol (webtorrent's
 * wire) use them.
 */

/** The 768-bit prime P of the key exchange, generator 2. */
export const DH_PRIME_HEX =
  'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a63a36210000000000090563';
export const DH_GENERATOR = 2;
/** Bytes of a public key Ya / Yb and of the shared secret S: big-endian, zero-padded to the prime's size. */
export const KEY_BYTES = 96;
/** Pads A, B, C and D are each at most this long. */
export const MAX_PAD = 512;
/** The verification constant: eight zero bytes, sent encrypted. */
export const VC = Buffer.alloc(8);
/** crypto_provide / crypto_select bits. */
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;
/** RC4 output discarded after keying (the "RC4-drop1024" of the specification). */
export const RC4_DISCARD = 1024;
/** Longest initial payload (IA) an initiator may put in step 3: its length is a 16-bit field. */
export const MAX_IA = 0xffff;
export const DEFAULT_TIMEOUT_MS = 15_000;
