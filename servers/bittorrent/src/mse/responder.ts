/**
 * The receiving side (B) of MSE:
 *   1 A->B  Ya, PadA                         we read Ya (96 bytes)
 *   2 B->A  Yb, PadB                         sent at once
 *   3 A->B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 *                                            sync on HASH('req1', S) past PadA (<= 512 bytes), SKEY matched
 *                                            against the torrents we serve, VC checked
 *   4 B->A  ENCRYPT(VC, crypto_select, len(PadD), PadD)
 *   5       payload: RC4 if RC4 was selected, else plaintext
 * Plaintext is selected whenever offered, so piece traffic pays nothing; RC4 otherwise.
 */

import type { Socket } from 'node:net';
import {
  CRYPTO_PLAINTEXT, CRYPTO_RC4, DEFAULT_TIMEOUT_MS, KEY_BYTES, MAX_PAD, VC,
} from './constants.ts';
import { MseError } from './errors.ts';
import { createCiphers, createKeyPair, syncHash, torrentIdHash, xorWithReq3 } from './keys.ts';
import { randomPad, uint16, uint32 } from './padding.ts';
import { SocketReader } from './socket-reader.ts';
import { plaintextStream, rc4Stream, type MseStream } from './stream.ts';

export interface MseOptions {
  /** The whole handshake must finish within this (default 15 s); else it rejects with MSE_TIMEOUT. */
  timeoutMs?: number;
}

/**
 * Answers an MSE handshake whose first bytes (already read off `socket`, not a plaintext handshake) are given.
 * Resolves once step 4 is written; the caller then reads the socket itself ('data' or read()), passing what it
 * reads through `decrypt` after consuming `leftover`. On failure the socket is destroyed and the promise rejects
 * with an MseError saying why.
 */
export async function respondMse(
  socket: Socket,
  firstBytes: Buffer,
  knownInfoHashes: readonly Buffer[],
  options: MseOptions = {},
): Promise<MseStream> {
  const reader = new SocketReader(socket, firstBytes, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const ya = await reader.take(KEY_BYTES);
    const keys = createKeyPair();
    const secret = keys.secretWith(ya);
    socket.write(Buffer.concat([keys.publicKey, randomPad()]));

    await reader.skipPast(syncHash(secret), MAX_PAD, () =>
      new MseError('MSE_NO_SYNC', `HASH('req1', S) not found within ${MAX_PAD} bytes of padding`));
    const wanted = xorWithReq3(await reader.take(20), secret);
    const infoHash = knownInfoHashes.find((candidate) => torrentIdHash(candidate).equals(wanted));
    if (infoHash === undefined) {
      throw new MseError('MSE_UNKNOWN_INFO_HASH', 'the peer asked for a torrent this peer does not serve');
    }

    const { encrypt, decrypt } = createCiphers('responder', secret, infoHash);
    const header = decrypt(await reader.take(14));
    if (!header.subarray(0, 8).equals(VC)) throw new MseError('MSE_BAD_VC', 'verification constant mismatch in step 3');
    const provide = header.readUInt32BE(8);
    const padCLength = header.readUInt16BE(12);
    if (padCLength > MAX_PAD) throw new MseError('MSE_BAD_PAD', `PadC of ${padCLength} bytes (at most ${MAX_PAD})`);
    decrypt(await reader.take(padCLength));
    const iaLength = decrypt(await reader.take(2)).readUInt16BE(0);
    const initialPayload = decrypt(await reader.take(iaLength));

    const select = provide & CRYPTO_PLAINTEXT ? CRYPTO_PLAINTEXT : provide & CRYPTO_RC4 ? CRYPTO_RC4 : 0;
    if (select === 0) {
      throw new MseError('MSE_NO_COMMON_METHOD', `the peer offers crypto methods 0x${provide.toString(16)}, neither plaintext nor RC4`);
    }
    const padD = randomPad();
    socket.write(encrypt(Buffer.concat([VC, uint32(select), uint16(padD.length), padD])));

    const rest = reader.detach();
    if (select === CRYPTO_PLAINTEXT) return plaintextStream(infoHash, Buffer.concat([initialPayload, rest]));
    return rc4Stream(infoHash, encrypt, decrypt, Buffer.concat([initialPayload, decrypt(rest)]));
  } catch (error) {
    reader.detach();
    socket.destroy();
    throw error;
  }
}
