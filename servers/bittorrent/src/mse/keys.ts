/**
 * The Diffie-Hellman exchange and the SHA-1 derivations of MSE: the sync hash HASH('req1', S), the obfuscated
 * torrent id HASH('req2', SKEY) xor HASH('req3', S), and the two RC4 keys HASH('keyA'|'keyB', S, SKEY).
 */

import { createDiffieHellman, createHash } from 'node:crypto';
import { DH_GENERATOR, DH_PRIME_HEX, KEY_BYTES } from './constants.ts';
import { MseError } from './errors.ts';
import { createRc4, type Rc4 } from './rc4.ts';

const PRIME = Buffer.from(DH_PRIME_HEX, 'hex');

export interface KeyPair {
  /** Our public key, zero-padded to 96 bytes. */
  readonly publicKey: Buffer;
  /** S from the other side's public key, 96 bytes; throws MseError for a key outside (1, P-1). */
  secretWith(otherPublicKey: Buffer): Buffer;
}

export function createKeyPair(): KeyPair {
  const dh = createDiffieHellman(PRIME, DH_GENERATOR);
  const publicKey = leftPad(dh.generateKeys());
  return {
    publicKey,
    secretWith(other) {
      if (!inOpenRange(other)) throw new MseError('MSE_BAD_KEY', 'the peer\'s public key is out of range');
      return leftPad(dh.computeSecret(other));
    },
  };
}

/** 1 < y < P-1, compared as 96-byte big-endian numbers. */
function inOpenRange(y: Buffer): boolean {
  if (y.length !== KEY_BYTES) return false;
  let aboveOne = false;
  for (let i = 0; i < KEY_BYTES - 1; i++) if (y[i] !== 0) aboveOne = true;
  if (!aboveOne && y[KEY_BYTES - 1] <= 1) return false;
  const pMinusOne = Buffer.from(PRIME);
  pMinusOne[KEY_BYTES - 1] -= 1; // P ends in 0x63: no borrow
  return Buffer.compare(y, pMinusOne) < 0;
}

function leftPad(key: Buffer): Buffer {
  if (key.length === KEY_BYTES) return key;
  const out = Buffer.alloc(KEY_BYTES);
  key.copy(out, KEY_BYTES - key.length);
  return out;
}

function sha1(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const REQ1 = Buffer.from('req1');
const REQ2 = Buffer.from('req2');
const REQ3 = Buffer.from('req3');
const KEY_A = Buffer.from('keyA');
const KEY_B = Buffer.from('keyB');

export function syncHash(secret: Buffer): Buffer {
  return sha1(REQ1, secret);
}

export function torrentIdHash(infoHash: Uint8Array): Buffer {
  return sha1(REQ2, infoHash);
}

/** HASH('req2', SKEY) xor HASH('req3', S): what the initiator sends, and what the responder un-xors. */
export function xorWithReq3(data: Uint8Array, secret: Buffer): Buffer {
  const out = sha1(REQ3, secret);
  for (let i = 0; i < out.length; i++) out[i] ^= data[i];
  return out;
}

export interface Ciphers {
  readonly encrypt: Rc4;
  readonly decrypt: Rc4;
}

/** The initiator (A) encrypts with keyA and decrypts with keyB; the responder the other way round. */
export function createCiphers(role: 'initiator' | 'responder', secret: Buffer, infoHash: Uint8Array): Ciphers {
  const a = createRc4(sha1(KEY_A, secret, infoHash));
  const b = createRc4(sha1(KEY_B, secret, infoHash));
  return role === 'initiator' ? { encrypt: a, decrypt: b } : { encrypt: b, decrypt: a };
}
