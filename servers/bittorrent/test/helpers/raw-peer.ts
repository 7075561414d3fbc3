/**
 * A scripted peer over a raw socket, libtorrent-test style: exact bytes in, observable behaviour out (what
 * comes back, whether the connection is closed).
 */

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const BLOCK = 16 * 1024;

export function handshakeBytes(infoHash: Uint8Array, reserved = Buffer.from([0, 0, 0, 0, 0, 0x10, 0, 0x04])): Buffer {
  return Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), reserved, infoHash, Buffer.from('-RAW000-' + randomBytes(6).toString('hex'))]);
}

export function message(id: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(5 + payload.length);
  b.writeUInt32BE(1 + payload.length, 0);
  b[4] = id;
  b.set(payload, 5);
  return b;
}

export function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export interface WireMessage { readonly id: number; readonly payload: Buffer }

export class RawPeer {
  readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  handshake: Buffer | undefined;
  readonly messages: WireMessage[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      if (this.handshake === undefined && this.buffer.length >= 68) {
        this.handshake = this.buffer.subarray(0, 68);
        this.buffer = this.buffer.subarray(68);
      }
      while (this.handshake !== undefined && this.buffer.length >= 4) {
        const length = this.buffer.readUInt32BE(0);
        if (this.buffer.length < 4 + length) break;
        if (length > 0) this.messages.push({ id: this.buffer[4]!, payload: Buffer.from(this.buffer.subarray(5, 4 + length)) });
        this.buffer = this.buffer.subarray(4 + length);
      }
      this.wake();
    });
    socket.once('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until `fn` holds; rejects after `timeoutMs` with `what`. */
  async until(what: string, fn: () => boolean, timeoutMs = 8000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!fn()) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitClosed(timeoutMs = 8000): Promise<void> {
    return this.until('the connection to close', () => this.closed, timeoutMs);
  }

  /** Resolves with the first message of `id` received from now on (or already received after index `from`). */
  async next(id: number, from = 0, timeoutMs = 8000): Promise<WireMessage> {
    let found: WireMessage | undefined;
    await this.until(`message ${id}`, () => (found = this.messages.slice(from).find((m) => m.id === id)) !== undefined, timeoutMs);
    return found!;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
