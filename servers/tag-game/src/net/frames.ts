/**
 * WebSocket frames built once and written as bytes (RFC 6455 5.2: a final, unmasked text frame), so one
 * tick's state goes to every player as the same bytes through `io.write`, whatever thread sends it.
 * `shared` puts the frame in a SharedArrayBuffer: io from another thread then passes it by reference instead
 * of copying it once per player.
 */

export function textFrame(payload: Uint8Array, shared = false): Uint8Array {
  const length = payload.byteLength;
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = shared ? new Uint8Array(new SharedArrayBuffer(head + length)) : Buffer.allocUnsafe(head + length);
  frame[0] = 0x81; // FIN, text
  if (head === 2) {
    frame[1] = length;
  } else if (head === 4) {
    frame[1] = 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 127;
    new DataView(frame.buffer, frame.byteOffset, head).setBigUint64(2, BigInt(length));
  }
  frame.set(payload, head);
  return frame;
}

/** A close frame (RFC 6455 5.5.1), for closing a connection whose `ws` object lives on another thread. */
export function closeFrame(code: number, reason: string): Uint8Array {
  const text = Buffer.from(reason).subarray(0, 123);
  const frame = Buffer.allocUnsafe(4 + text.length);
  frame[0] = 0x88; // FIN, close
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}
