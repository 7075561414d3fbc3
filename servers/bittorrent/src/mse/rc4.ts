/**
 * RC4 with the first 1024 bytes of keystream dropped, as MSE specifies. Node's OpenSSL 3 keeps RC4 in the legacy
 * provider, which is only loaded when node starts with `--openssl-legacy-provider`; without it `createCipheriv('rc4')`
 * throws, so a plain implementation stands in. Only the handshake and peers that refuse plaintext use it.
 */

import { createCipheriv } from 'node:crypto';
import { RC4_DISCARD } from './constants.ts';

/** Encrypts or decrypts (the same operation) the next bytes of one direction's stream into a new buffer. */
export type Rc4 = (data: Uint8Array) => Buffer;

export const nativeRc4Available: boolean = (() => {
  try {
    createCipheriv('rc4', Buffer.alloc(16), null);
    return true;
  } catch {
    return false;
  }
})();

export function createRc4(key: Uint8Array): Rc4 {
  return nativeRc4Available ? nativeRc4(key) : portableRc4(key);
}

function nativeRc4(key: Uint8Array): Rc4 {
  const cipher = createCipheriv('rc4', key, null);
  cipher.update(Buffer.alloc(RC4_DISCARD));
  return (data) => cipher.update(data);
}

export function portableRc4(key: Uint8Array): Rc4 {
  if (key.length === 0) throw new RangeError('RC4 key must not be empty');
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  let x = 0;
  let y = 0;
  const crypt = (data: Uint8Array): Buffer => {
    const out = Buffer.allocUnsafe(data.length);
    for (let k = 0; k < data.length; k++) {
      x = (x + 1) & 0xff;
      const sx = s[x];
      y = (y + sx) & 0xff;
      const sy = s[y];
      s[x] = sy;
      s[y] = sx;
      out[k] = data[k] ^ s[(sx + sy) & 0xff];
    }
    return out;
  };
  crypt(new Uint8Array(RC4_DISCARD));
  return crypt;
}
