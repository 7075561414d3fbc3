/** A raw HTTP/1.1 client over net.connect, for what fetch will not send: malformed, pipelined, slow, oversized. */

import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface RawResponse {
  readonly status: number;
  readonly statusLine: string;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export class RawClient {
  readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      });
    });
    socket.once('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Whether the server has closed its side. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Reads one response; `head` when the request was HEAD (no body follows whatever Content-Length says). */
  async response(options: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const parsed = this.tryParse(options.head ?? false);
      if (parsed !== null) return parsed;
      if (this.ended) throw new Error(`connection closed before a complete response (have ${JSON.stringify(this.buffer.toString('latin1'))})`);
      await this.waitForData(deadline);
    }
  }

  /** Resolves when the server closes the connection; throws if it does not within `timeoutMs`. */
  async waitClosed(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) await this.waitForData(deadline);
  }

  /** Everything received and not yet parsed. */
  rest(): Buffer {
    return this.buffer;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private waitForData(deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new Error('timed out waiting for the server'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the server')), left);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private tryParse(head: boolean): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    const statusLine = lines[0];
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const noBody = head || status === 304 || status === 204 || (status >= 100 && status < 200);
    const length = noBody ? 0 : Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = Buffer.from(this.buffer.subarray(end + 4, end + 4 + length));
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status, statusLine, headers, body };
  }
}

/** Sends `request` on a fresh connection and reads one response. */
export async function exchange(port: number, request: string | Uint8Array, options: { head?: boolean } = {}): Promise<RawResponse & { client: RawClient }> {
  const client = await RawClient.open(port);
  client.write(request);
  const response = await client.response(options);
  return { ...response, client };
}
