/**
 * The calling side (A) of MSE, for outgoing connections to peers that accept only encrypted ones. webtorrent
 * (secure 1, its default) accepts plaintext incoming connections, so the peer may dial it in plaintext.
 */

import type { Socket } from 'node:net';
import { CRYPTO_PLAINTEXT, CRYPTO_RC4, DEFAULT_TIMEOUT_MS, KEY_BYTES, MAX_IA, MAX_PAD, VC } from './constants.ts';
import { MseError } from './errors.ts';
import { createCiphers, createKeyPair, syncHash, torrentIdHash, xorWithReq3 } from './keys.ts';
import { randomPad, uint16, uint32 } from './padding.ts';
import type { MseOptions } from './responder.ts';
import { SocketReader } from './socket-reader.ts';
import { plaintextStream, rc4Stream, type MseStream } from './stream.ts';

export interface InitiateOptions extends MseOptions {
  /** Methods to offer (default plaintext and RC4; the responder picks). */
  provide?: number;
  /** Sent encrypted inside step 3 (usually the BitTorrent handshake); at most 65535 bytes. */
  initialPayload?: Buffer;
}

/** Runs MSE on a freshly connected socket; see respondMse for how the socket is left. */
export async function initiateMse(socket: Socket, infoHash: Buffer, options: InitiateOptions = {}): Promise<MseStream> {
  const provide = options.provide ?? CRYPTO_PLAINTEXT | CRYPTO_RC4;
  const initialPayload = options.initialPayload ?? Buffer.alloc(0);
  if (initialPayload.length > MAX_IA) throw new RangeError(`initial payload of ${initialPayload.length} bytes (at most ${MAX_IA})`);
  const reader = new SocketReader(socket, Buffer.alloc(0), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const keys = createKeyPair();
    socket.write(Buffer.concat([keys.publicKey, randomPad()]));
    const secret = keys.secretWith(await reader.take(KEY_BYTES));

    const { encrypt, decrypt } = createCiphers('initiator', secret, infoHash);
    const padC = randomPad();
    socket.write(Buffer.concat([
      syncHash(secret),
      xorWithReq3(torrentIdHash(infoHash), secret),
      encrypt(Buffer.concat([VC, uint32(provide), uint16(padC.length), padC, uint16(initialPayload.length), initialPayload])),
    ]));

    // Step 4 starts with ENCRYPT(VC) somewhere past PadB.
    await reader.skipPast(decrypt(VC), MAX_PAD, () =>
      new MseError('MSE_NO_SYNC', `the encrypted verification constant not found within ${MAX_PAD} bytes of padding`));
    const header = decrypt(await reader.take(6));
    const select = header.readUInt32BE(0);
    if ((select !== CRYPTO_PLAINTEXT && select !== CRYPTO_RC4) || (select & provide) === 0) {
      throw new MseError('MSE_BAD_SELECT', `the peer selected crypto method 0x${select.toString(16)}, not one offered`);
    }
    const padDLength = header.readUInt16BE(4);
    if (padDLength > MAX_PAD) throw new MseError('MSE_BAD_PAD', `PadD of ${padDLength} bytes (at most ${MAX_PAD})`);
    decrypt(await reader.take(padDLength));

    const rest = reader.detach();
    if (select === CRYPTO_PLAINTEXT) return plaintextStream(infoHash, rest);
    return rc4Stream(infoHash, encrypt, decrypt, decrypt(rest));
  } catch (error) {
    reader.detach();
    socket.destroy();
    throw error;
  }
}
