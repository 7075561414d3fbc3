/**
 * Reads a handshake off a socket in exact amounts, with one deadline for the whole handshake. It pulls with
 * 'readable'/read() rather than 'data', so once detached the socket is back in its initial mode: whoever reads
 * next (a 'data' listener, or read()) gets every byte the handshake did not consume.
 */

import type { Socket } from 'node:net';
import { MseError } from './errors.ts';

interface Waiter {
  /** Returns true once satisfied (or failed); called after each arrival. */
  attempt(): boolean;
  fail(error: Error): void;
}

export class SocketReader {
  readonly #socket: Socket;
  #buffer: Buffer;
  #waiter: Waiter | null = null;
  #failure: Error | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #onReadable = (): void => this.#pull();
  readonly #onEnd = (): void => this.#failWith(new MseError('MSE_CLOSED', 'the peer closed the connection'));
  readonly #onError = (error: Error): void =>
    this.#failWith(new MseError('MSE_CLOSED', `connection error: ${error.message}`));

  constructor(socket: Socket, initial: Buffer, timeoutMs: number) {
    this.#socket = socket;
    this.#buffer = initial;
    this.#timer = setTimeout(
      () => this.#failWith(new MseError('MSE_TIMEOUT', `no complete handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('readable', this.#onReadable);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
    if (socket.destroyed) this.#onEnd();
  }

  /** The next `n` bytes. */
  take(n: number): Promise<Buffer> {
    return this.#wait((resolve) => {
      if (this.#buffer.length < n) return false;
      const out = this.#buffer.subarray(0, n);
      this.#buffer = this.#buffer.subarray(n);
      resolve(out);
      return true;
    });
  }

  /**
   * Skips to just past `pattern`, which must start within `maxSkip` bytes; else fails with `onMissing()` as soon as
   * that many bytes have arrived without it.
   */
  skipPast(pattern: Buffer, maxSkip: number, onMissing: () => Error): Promise<number> {
    return this.#wait((resolve, reject) => {
      const at = this.#buffer.subarray(0, maxSkip + pattern.length).indexOf(pattern);
      if (at !== -1) {
        this.#buffer = this.#buffer.subarray(at + pattern.length);
        resolve(at);
        return true;
      }
      if (this.#buffer.length >= maxSkip + pattern.length) {
        reject(onMissing());
        return true;
      }
      return false;
    });
  }

  /** Stops reading and returns what was read past the handshake. The socket is left open. */
  detach(): Buffer {
    clearTimeout(this.#timer);
    this.#socket.off('readable', this.#onReadable);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    this.#socket.off('error', this.#onError);
    const rest = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return rest;
  }

  #wait<T>(attempt: (resolve: (value: T) => void, reject: (error: Error) => void) => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#failure !== null) {
        reject(this.#failure);
        return;
      }
      const waiter: Waiter = {
        attempt: () => attempt(resolve, (error) => this.#failWith(error)),
        fail: reject,
      };
      if (!waiter.attempt()) this.#waiter = waiter;
      else if (this.#failure !== null) reject(this.#failure);
      // Bytes may be sitting in the socket's buffer with no 'readable' to come.
      if (this.#waiter !== null) this.#pull();
    });
  }

  #pull(): void {
    let chunk: Buffer | null;
    const chunks: Buffer[] = [this.#buffer];
    while ((chunk = this.#socket.read() as Buffer | null) !== null) chunks.push(chunk);
    if (chunks.length > 1) this.#buffer = Buffer.concat(chunks);
    const waiter = this.#waiter;
    if (waiter !== null && waiter.attempt()) {
      if (this.#waiter === waiter) this.#waiter = null;
    }
  }

  #failWith(error: Error): void {
    if (this.#failure !== null) return;
    this.#failure = error;
    const waiter = this.#waiter;
    this.#waiter = null;
    this.detach();
    waiter?.fail(error);
  }
}
