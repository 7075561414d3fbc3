/**
 * `io` across threads. On a worker, ForwardingTransport turns each io call into a record for the main thread
 * (through the worker's Outbox, so it is ordered before the flow's `done`). On the main thread, applyIo
 * performs it on the connection registry. Data is copied by structured clone; nothing waits for the write.
 */

import type { Conn } from '../api.ts';
import type { IoTransport } from '../io/transport.ts';
import { IO, IO_CORK, IO_DESTROY, IO_END, IO_UNCORK, IO_WRITE, type IoOp, type Outbox } from './protocol.ts';

export class ForwardingTransport implements IoTransport {
  readonly local = false;
  private readonly outbox: Outbox;

  constructor(outbox: Outbox) {
    this.outbox = outbox;
  }

  write(conn: Conn, data: string | Uint8Array): void {
    this.outbox.post(IO, IO_WRITE, conn.id, ownBytes(data));
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    this.outbox.post(IO, IO_END, conn.id, data === undefined ? undefined : ownBytes(data));
  }

  destroy(conn: Conn): void {
    this.outbox.post(IO, IO_DESTROY, conn.id);
  }

  cork(conn: Conn): void {
    this.outbox.post(IO, IO_CORK, conn.id);
  }

  uncork(conn: Conn): void {
    this.outbox.post(IO, IO_UNCORK, conn.id);
  }
}

/**
 * What to hand the structured clone so that only the caller's bytes are copied: cloning a view copies its whole
 * ArrayBuffer, and a small Buffer from Node's pool would drag its 8 KB slab along. A view on shared memory is
 * cloned by reference, as always (the main thread writes from that memory later: do not change it meanwhile).
 */
export function ownBytes(data: string | Uint8Array): string | Uint8Array {
  if (typeof data === 'string') return data;
  const buffer = data.buffer;
  if (buffer instanceof SharedArrayBuffer || (data.byteOffset === 0 && data.byteLength === buffer.byteLength)) return data;
  return new Uint8Array(data); // a copy of the view alone (Buffer#slice would be a view)
}

/** Performs a forwarded io call on the main thread's transport (the registry). */
export function applyIo(transport: IoTransport, op: IoOp, id: number, data: string | Uint8Array | undefined): void {
  // The registry looks connections up by id only; the other fields are for node code.
  const conn: Conn = { id, remoteAddress: '', remotePort: 0 };
  switch (op) {
    case IO_WRITE:
      if (data !== undefined) transport.write(conn, data);
      return;
    case IO_END:
      transport.end(conn, data);
      return;
    case IO_DESTROY:
      transport.destroy(conn);
      return;
    case IO_CORK:
      transport.cork(conn);
      return;
    case IO_UNCORK:
      transport.uncork(conn);
      return;
  }
}
