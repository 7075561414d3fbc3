/**
 * Splits a connection's bytes into messages: a 4-byte big-endian length, then that many bytes (an id and its
 * payload; length 0 is a keep-alive). A length over MAX_MESSAGE is an error before a byte of it is buffered.
 * A message that arrives whole inside one chunk is handed over as a view on that chunk (no copy); only a message
 * split across chunks is gathered into a buffer of its own.
 */

import { MAX_MESSAGE, u32 } from './wire.ts';

export class ProtocolError extends Error {
  readonly code: string;
  constructor(message: string, code = 'BT_ERR_PROTOCOL') {
    super(message);
    this.code = code;
  }
}

export type OnMessage = (id: number, payload: Uint8Array) => void;

export class FrameReader {
  /** Bytes of a message (or of a length prefix) that began in an earlier chunk. */
  private partial: Buffer | null = null;
  private readonly onMessage: OnMessage;
  /** Messages handed over, keep-alives included. */
  messages = 0;

  constructor(onMessage: OnMessage) {
    this.onMessage = onMessage;
  }

  /** Feeds a chunk; throws ProtocolError on a length over the limit. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.partial !== null) {
      // Finish the message begun earlier with as few bytes of this chunk as it needs; parse the rest in place.
      const partial = this.partial;
      const need = partial.length < 4 ? 4 - partial.length : 0;
      let whole = partial;
      if (need > 0) {
        whole = Buffer.concat([partial, chunk.subarray(0, need)]);
        if (whole.length < 4) {
          this.partial = whole;
          return;
        }
      }
      const length = u32(whole, 0);
      if (length > MAX_MESSAGE) throw new ProtocolError(`message length ${length} is over the ${MAX_MESSAGE}-byte limit`, 'BT_ERR_TOO_LONG');
      const missing = 4 + length - partial.length;
      if (chunk.length < missing) {
        this.partial = Buffer.concat([partial, chunk]);
        return;
      }
      const message = Buffer.concat([partial, chunk.subarray(0, missing)]);
      this.partial = null;
      this.messages++;
      if (length > 0) this.onMessage(message[4]!, message.subarray(5));
      data = chunk.subarray(missing);
    }
    let at = 0;
    const end = data.length;
    while (end - at >= 4) {
      const length = u32(data, at);
      if (length > MAX_MESSAGE) throw new ProtocolError(`message length ${length} is over the ${MAX_MESSAGE}-byte limit`, 'BT_ERR_TOO_LONG');
      if (end - at - 4 < length) break;
      this.messages++;
      if (length > 0) this.onMessage(data[at + 4]!, data.subarray(at + 5, at + 4 + length));
      at += 4 + length;
    }
    // A view, not a copy: a socket hands every read its own buffer, which nothing writes to afterwards.
    if (at < end) this.partial = data.subarray(at);
  }

  /** Bytes held for an unfinished message. */
  get buffered(): number {
    return this.partial === null ? 0 : this.partial.length;
  }
}
