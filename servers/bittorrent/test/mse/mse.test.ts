/**
 * The MSE handshake against webtorrent's own wire (bittorrent-protocol) on real sockets, both directions, and
 * against a scripted initiator for what webtorrent never sends: maximum padding, an initial payload, garbage, an
 * unknown torrent, a stall, a close.
 */

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import {
  looksLikePlaintextHandshake, respondMse, initiateMse, MseError, CRYPTO_PLAINTEXT, CRYPTO_RC4, type MseStream,
} from '../../src/mse/index.ts';
import { createCiphers, createKeyPair, syncHash, torrentIdHash, xorWithReq3 } from '../../src/mse/keys.ts';
import { portableRc4 } from '../../src/mse/rc4.ts';
import { loadWire, type WireConstructor, type Wire } from './webtorrent-wire.ts';
import { socketPair } from './socket-pair.ts';

const INFO_HASH = createHash('sha1').update('torrent one').digest();
const OTHER_HASH = createHash('sha1').update('torrent two').digest();
const PEER_ID = Buffer.from('-FX0001-abcdefghijkl');
const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');

function btHandshake(infoHash: Buffer, peerId: Buffer = PEER_ID): Buffer {
  const reserved = Buffer.alloc(8);
  reserved[5] |= 0x10;
  reserved[7] |= 0x04;
  return Buffer.concat([PROTOCOL, reserved, infoHash, peerId]);
}

/** The decrypted byte stream after a handshake: leftover first, then everything the socket delivers. */
class DecryptedReader {
  #got: Buffer;
  #waiting: { n: number; resolve: (data: Buffer) => void } | null = null;
  constructor(socket: Socket, stream: MseStream) {
    this.#got = stream.leftover;
    socket.on('data', (chunk: Buffer) => {
      this.#got = Buffer.concat([this.#got, stream.decrypt(chunk)]);
      this.#check();
    });
  }
  next(n: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#waiting = { n, resolve };
      this.#check();
    });
  }
  /** The next BitTorrent message (length prefix stripped). */
  async message(): Promise<Buffer> {
    const length = (await this.next(4)).readUInt32BE(0);
    return this.next(length);
  }
  #check(): void {
    const waiting = this.#waiting;
    if (waiting === null || this.#got.length < waiting.n) return;
    this.#waiting = null;
    const out = this.#got.subarray(0, waiting.n);
    this.#got = this.#got.subarray(waiting.n);
    waiting.resolve(out);
  }
}

function expectMseError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof MseError, `expected MseError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

let Wire: WireConstructor;
before(async () => {
  Wire = await loadWire();
});

function connectWire(wire: Wire, socket: Socket): void {
  socket.pipe(wire).pipe(socket);
  wire.on('error', () => {});
  socket.on('error', () => {});
}

describe('looksLikePlaintextHandshake', () => {
  test('a BitTorrent handshake, whole or its first bytes', () => {
    assert.equal(looksLikePlaintextHandshake(btHandshake(INFO_HASH)), true);
    assert.equal(looksLikePlaintextHandshake(PROTOCOL.subarray(0, 5)), true);
  });
  test('an MSE public key, garbage, nothing', () => {
    assert.equal(looksLikePlaintextHandshake(createKeyPair().publicKey.fill(7, 0, 1)), false);
    assert.equal(looksLikePlaintextHandshake(Buffer.from('\x13BitTorrent protocoX', 'latin1')), false);
    assert.equal(looksLikePlaintextHandshake(Buffer.from('GET / HTTP/1.1\r\n')), false);
    assert.equal(looksLikePlaintextHandshake(Buffer.alloc(0)), false);
  });
});

describe('RC4', () => {
  test('the portable cipher is RC4 with 1024 bytes dropped (checked against the textbook vector)', () => {
    // Key "Key", plaintext "Plaintext" -> BBF316E8D940AF0AD3 without the drop; with it, encrypting 1024 zero bytes
    // and then the text must give the same keystream as a fresh cipher's 1025th byte onwards.
    const key = Buffer.from('Key');
    const reference = referenceRc4(key, 1024 + 9);
    const encrypted = portableRc4(key)(Buffer.from('Plaintext'));
    const expected = Buffer.from('Plaintext').map((byte, i) => byte ^ reference[1024 + i]);
    assert.deepEqual(encrypted, Buffer.from(expected));
    assert.equal(Buffer.from(referenceRc4(key, 9).map((b, i) => b ^ 'Plaintext'.charCodeAt(i))).toString('hex'), 'bbf316e8d940af0ad3');
  });
});

/** Textbook RC4 keystream, for checking only. */
function referenceRc4(key: Buffer, length: number): Uint8Array {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) % 256;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(length);
  let x = 0;
  let y = 0;
  for (let k = 0; k < length; k++) {
    x = (x + 1) % 256;
    y = (y + s[x]) % 256;
    [s[x], s[y]] = [s[y], s[x]];
    out[k] = s[(s[x] + s[y]) % 256];
  }
  return out;
}

describe('respondMse against webtorrent\'s wire dialing out (its default secure: 1)', () => {
  for (const secure of [1, 2]) {
    test(`secure ${secure}: ${secure === 1 ? 'plaintext' : 'RC4'} selected, both BitTorrent handshakes and a 100 KiB message pass`, async () => {
      const [client, server] = await socketPair();
      const wire = new Wire('tcpOutgoing', secure);
      connectWire(wire, client);
      const cryptoDone = once(wire as never, 'crypto-handshake');
      wire.startEncryption(INFO_HASH.toString('hex'));
      wire.once('crypto-handshake', () => wire.handshake(INFO_HASH, randomBytes(20), { fast: true }));

      const first = (await once(server, 'data'))[0] as Buffer;
      server.pause();
      assert.equal(looksLikePlaintextHandshake(first), false);
      const stream = await respondMse(server, first, [OTHER_HASH, INFO_HASH], { timeoutMs: 5000 });
      await cryptoDone;
      assert.deepEqual(stream.infoHash, INFO_HASH);
      assert.equal(stream.encrypted, secure === 2);
      assert.equal(wire._encryptionMethod, secure === 2 ? CRYPTO_RC4 : CRYPTO_PLAINTEXT);

      const reader = new DecryptedReader(server, stream);
      const theirs = await reader.next(68);
      assert.deepEqual(theirs.subarray(0, 20), PROTOCOL);
      assert.deepEqual(theirs.subarray(28, 48), INFO_HASH);

      const gotHandshake = once(wire as never, 'handshake');
      server.write(stream.encrypt(btHandshake(INFO_HASH)));
      const [infoHashHex, peerIdHex] = await gotHandshake as [string, string];
      assert.equal(infoHashHex, INFO_HASH.toString('hex'));
      assert.equal(peerIdHex, PEER_ID.toString('hex'));

      // 100 KiB of keep-alives and then an unchoke: the keystream stays aligned over many chunks.
      const gotUnchoke = once(wire as never, 'unchoke');
      server.write(stream.encrypt(Buffer.alloc(100 * 1024)));
      server.write(stream.encrypt(Buffer.from([0, 0, 0, 1, 1])));
      await gotUnchoke;

      // And the other way: after its extended handshake (BEP 10), its 'interested' arrives decrypted.
      wire.interested();
      let message = await reader.message();
      while (message[0] === 20) message = await reader.message();
      assert.deepEqual(message, Buffer.from([2]));
      client.destroy();
      server.destroy();
    });
  }

  test('a torrent the responder does not serve: rejected, socket closed, the wire sees the close', async () => {
    const [client, server] = await socketPair();
    const wire = new Wire('tcpOutgoing', 1);
    connectWire(wire, client);
    wire.startEncryption(INFO_HASH.toString('hex'));
    const first = (await once(server, 'data'))[0] as Buffer;
    await assert.rejects(respondMse(server, first, [OTHER_HASH], { timeoutMs: 5000 }), expectMseError('MSE_UNKNOWN_INFO_HASH'));
    assert.equal(server.destroyed, true);
    await once(client, 'close');
  });
});

describe('initiateMse against webtorrent\'s wire accepting (secure 1 and 2)', () => {
  for (const [secure, provide, expected] of [[1, CRYPTO_PLAINTEXT | CRYPTO_RC4, CRYPTO_PLAINTEXT], [2, CRYPTO_PLAINTEXT | CRYPTO_RC4, CRYPTO_RC4], [1, CRYPTO_RC4, CRYPTO_RC4]] as const) {
    test(`secure ${secure}, offering 0x${provide.toString(16)}: method ${expected}, handshakes pass`, async () => {
      const [client, server] = await socketPair();
      const wire = new Wire('tcpIncoming', secure);
      connectWire(wire, server);
      wire.once('crypto-infohash', (hashOfHash: string) => {
        assert.equal(hashOfHash, torrentIdHash(INFO_HASH).toString('hex'));
        wire.setInfoHash(INFO_HASH.toString('hex'));
      });
      const gotHandshake = once(wire as never, 'handshake');
      const stream = await initiateMse(client, INFO_HASH, { provide, timeoutMs: 5000 });
      assert.equal(stream.encrypted, expected === CRYPTO_RC4);
      client.write(stream.encrypt(btHandshake(INFO_HASH)));
      const [infoHashHex] = await gotHandshake as [string];
      assert.equal(infoHashHex, INFO_HASH.toString('hex'));
      assert.equal(wire._encryptionMethod, expected);
      wire.handshake(INFO_HASH, randomBytes(20));
      const theirs = await new DecryptedReader(client, stream).next(68);
      assert.deepEqual(theirs.subarray(28, 48), INFO_HASH);
      client.destroy();
      server.destroy();
    });
  }

  test('webtorrent (secure 1, its default) accepts a plaintext handshake on an incoming connection: no MSE needed to dial it', async () => {
    const [client, server] = await socketPair();
    const wire = new Wire('tcpIncoming', 1);
    connectWire(wire, server);
    const gotHandshake = once(wire as never, 'handshake');
    client.write(btHandshake(INFO_HASH));
    const [infoHashHex, peerIdHex] = await gotHandshake as [string, string];
    assert.equal(infoHashHex, INFO_HASH.toString('hex'));
    assert.equal(peerIdHex, PEER_ID.toString('hex'));
    client.destroy();
    server.destroy();
  });
});

/** Drives the initiator's side by hand, so each step can be bent; respondMse answers on the other end. */
async function scriptedStart(padA: number, timeoutMs: number): Promise<{ client: Socket; server: Socket; secret: Buffer; responding: Promise<MseStream> }> {
  const [client, server] = await socketPair();
  client.on('error', () => {});
  const keys = createKeyPair();
  const stepOne = Buffer.concat([keys.publicKey, randomBytes(padA)]);
  const yb = new Promise<Buffer>((resolve) => {
    let got = Buffer.alloc(0);
    client.on('data', function onData(chunk: Buffer) {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 96) {
        client.off('data', onData);
        client.pause();
        if (got.length > 96) client.unshift(got.subarray(96));
        resolve(got.subarray(0, 96));
      }
    });
  });
  client.write(stepOne.subarray(0, 30));
  const first = (await once(server, 'data'))[0] as Buffer;
  server.pause();
  const responding = respondMse(server, first, [OTHER_HASH, INFO_HASH], { timeoutMs });
  responding.catch(() => {});
  client.write(stepOne.subarray(30));
  return { client, server, responding, secret: keys.secretWith(await yb) };
}

function stepThree(secret: Buffer, infoHash: Buffer, provide: number, padC: number, ia: Buffer, vc: Buffer = Buffer.alloc(8)): { bytes: Buffer; ciphers: ReturnType<typeof createCiphers> } {
  const ciphers = createCiphers('initiator', secret, infoHash);
  const head = Buffer.alloc(14);
  vc.copy(head, 0);
  head.writeUInt32BE(provide, 8);
  head.writeUInt16BE(padC, 12);
  const iaLength = Buffer.alloc(2);
  iaLength.writeUInt16BE(ia.length);
  const bytes = Buffer.concat([
    syncHash(secret), xorWithReq3(torrentIdHash(infoHash), secret),
    ciphers.encrypt(Buffer.concat([head, randomBytes(padC), iaLength, ia])),
  ]);
  return { bytes, ciphers };
}

describe('respondMse against a scripted initiator', () => {
  test('maximum padding, the BitTorrent handshake as initial payload, RC4 only: all of it in leftover, then the socket', async () => {
    const { client, server, secret, responding } = await scriptedStart(512, 5000);
    const handshake = btHandshake(INFO_HASH);
    const { bytes, ciphers } = stepThree(secret, INFO_HASH, CRYPTO_RC4, 512, handshake);
    // Step 3 and the first message right behind it, byte by byte at first.
    const message = ciphers.encrypt(Buffer.from([0, 0, 0, 1, 2]));
    for (const byte of bytes.subarray(0, 40)) client.write(Buffer.from([byte]));
    client.write(Buffer.concat([bytes.subarray(40), message]));
    const stream = await responding;
    assert.equal(stream.encrypted, true);
    const reader = new DecryptedReader(server, stream);
    assert.deepEqual(await reader.next(68), handshake);
    assert.deepEqual(await reader.next(5), Buffer.from([0, 0, 0, 1, 2]));
    // Later bytes through the same keystream.
    const more = reader.next(3);
    client.write(ciphers.encrypt(Buffer.from('abc')));
    assert.equal((await more).toString(), 'abc');
    client.destroy();
    server.destroy();
  });

  test('garbage instead of step 3: MSE_NO_SYNC once 532 bytes pass without the sync hash', async () => {
    const { client, server, responding } = await scriptedStart(0, 10_000);
    const started = Date.now();
    client.write(randomBytes(600));
    await assert.rejects(responding, expectMseError('MSE_NO_SYNC'));
    assert.ok(Date.now() - started < 5000, 'rejected at once, not at the timeout');
    assert.equal(server.destroyed, true);
    client.destroy();
  });

  test('a wrong verification constant: MSE_BAD_VC', async () => {
    const { client, server, secret, responding } = await scriptedStart(10, 5000);
    client.write(stepThree(secret, INFO_HASH, CRYPTO_RC4, 0, Buffer.alloc(0), Buffer.from('12345678')).bytes);
    await assert.rejects(responding, expectMseError('MSE_BAD_VC'));
    client.destroy();
  });

  test('no method in common: MSE_NO_COMMON_METHOD', async () => {
    const { client, server, secret, responding } = await scriptedStart(10, 5000);
    client.write(stepThree(secret, INFO_HASH, 0x08, 0, Buffer.alloc(0)).bytes);
    await assert.rejects(responding, expectMseError('MSE_NO_COMMON_METHOD'));
    client.destroy();
  });

  test('PadC over 512 bytes: MSE_BAD_PAD', async () => {
    const { client, server, secret, responding } = await scriptedStart(10, 5000);
    client.write(stepThree(secret, INFO_HASH, CRYPTO_RC4, 600, Buffer.alloc(0)).bytes);
    await assert.rejects(responding, expectMseError('MSE_BAD_PAD'));
    client.destroy();
  });

  test('a peer that stalls mid-handshake: MSE_TIMEOUT within the limit', async () => {
    const { client, server, secret, responding } = await scriptedStart(10, 300);
    client.write(stepThree(secret, INFO_HASH, CRYPTO_RC4, 0, Buffer.alloc(0)).bytes.subarray(0, 30));
    const started = Date.now();
    await assert.rejects(responding, expectMseError('MSE_TIMEOUT'));
    assert.ok(Date.now() - started < 3000);
    assert.equal(server.destroyed, true);
    client.destroy();
  });

  test('a peer that closes mid-handshake: MSE_CLOSED', async () => {
    const { client, responding } = await scriptedStart(10, 5000);
    client.end();
    await assert.rejects(responding, expectMseError('MSE_CLOSED'));
  });

  test('only a partial public key then a close: MSE_CLOSED', async () => {
    const [client, server] = await socketPair();
    client.write(randomBytes(40));
    const first = (await once(server, 'data'))[0] as Buffer;
    const responding = respondMse(server, first, [INFO_HASH], { timeoutMs: 5000 });
    client.end();
    await assert.rejects(responding, expectMseError('MSE_CLOSED'));
  });

  test('a public key of zero: MSE_BAD_KEY', async () => {
    const [client, server] = await socketPair();
    client.write(Buffer.alloc(96));
    const first = (await once(server, 'data'))[0] as Buffer;
    await assert.rejects(respondMse(server, first, [INFO_HASH], { timeoutMs: 5000 }), expectMseError('MSE_BAD_KEY'));
    client.destroy();
  });
});
