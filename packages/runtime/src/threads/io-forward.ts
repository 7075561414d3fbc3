/**
 * `io` across threads. On a worker, ForwardingTransport turns each io call into a record for the main thread
 * (through the worker's Outbox, so it is ordered before the flow's `done`). On the main thread, applyIo
 * performs it on the connection registry. Data is copied by structured clone.
 *
 * Backpressure: a write is counted in the process's WriteWindows table before it is posted, and the socket's
 * thread takes it off once flushed (ConnectionRegistry.writeForwarded), so `write` returns false past the
 * connection's window and `drained` waits on the table, as it would next to the socket; past the write limit
 * the connection's overflow policy applies here, before anything is posted.
 */

import type { Conn } from '../api.ts';
import { byteLengthOf, WRITE_LIMIT, WRITE_WINDOW, type ConnectionRegistry } from '../io/registry.ts';
import type { IoTransport } from '../io/transport.ts';
import { OVERFLOW_DROP, type WriteWindows } from '../io/write-windows.ts';
import { IO, IO_CORK, IO_DESTROY, IO_END, IO_UNCORK, IO_WRITE, type IoOp, type Outbox } from './protocol.ts';

export type PostIo = (op: IoOp, id: number, data: string | Uint8Array | undefined) => void;

/**
 * A write to a connection on another thread: counted, checked against the window and the limit, then posted.
 * Returns what `io.write` returns.
 */
export function forwardWrite(windows: WriteWindows | null, conn: Conn, data: string | Uint8Array, end: boolean, post: PostIo): boolean {
  const row = conn.row ?? -1;
  const op = end ? IO_END : IO_WRITE;
  if (windows === null || row < 0) {
    post(op, conn.id, ownBytes(data));
    return true;
  }
  if (!windows.holds(row, conn.id)) return false; // closed: nothing to post
  const bytes = byteLengthOf(data);
  const pending = windows.add(row, bytes);
  if (pending > bytes && pending > WRITE_LIMIT) {
    windows.flushed(row, conn.id, bytes, WRITE_WINDOW);
    if (windows.policy(row) !== OVERFLOW_DROP) post(IO_DESTROY, conn.id, undefined);
    return false;
  }
  post(op, conn.id, ownBytes(data));
  return pending < WRITE_WINDOW;
}

/** `io.connected` for a connection on another thread: its row still names it (without a row: assumed open). */
export function forwardConnected(windows: WriteWindows | null, conn: Conn): boolean {
  const row = conn.row ?? -1;
  return windows === null || row < 0 || windows.holds(row, conn.id);
}

/** `io.drained` for a connection on another thread. */
export function forwardDrained(windows: WriteWindows | null, conn: Conn, timeoutMs?: number): Promise<boolean> {
  const row = conn.row ?? -1;
  if (windows === null || row < 0) return Promise.resolve(true);
  return windows.below(row, conn.id, WRITE_WINDOW, timeoutMs);
}

export class ForwardingTransport implements IoTransport {
  readonly local = false;
  private readonly outbox: Outbox;
  private readonly windows: WriteWindows | null;
  private readonly post: PostIo;

  constructor(outbox: Outbox, windows: WriteWindows | null = null) {
    this.outbox = outbox;
    this.windows = windows;
    this.post = (op, id, data) => outbox.post(IO, op, id, data);
  }

  write(conn: Conn, data: string | Uint8Array): boolean {
    return forwardWrite(this.windows, conn, data, false, this.post);
  }

  drained(conn: Conn, timeoutMs?: number): Promise<boolean> {
    return forwardDrained(this.windows, conn, timeoutMs);
  }

  connected(conn: Conn): boolean {
    return forwardConnected(this.windows, conn);
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    if (data === undefined) this.outbox.post(IO, IO_END, conn.id, undefined);
    else forwardWrite(this.windows, conn, data, true, this.post);
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

/** Performs a forwarded io call on the thread that owns the connection (its registry). */
export function applyIo(registry: ConnectionRegistry, op: IoOp, id: number, data: string | Uint8Array | undefined): void {
  // The registry looks connections up by id only; the other fields are for node code.
  const conn: Conn = { id, remoteAddress: '', remotePort: 0 };
  switch (op) {
    case IO_WRITE:
      if (data !== undefined) registry.writeForwarded(id, data, false);
      return;
    case IO_END:
      if (data === undefined) registry.end(conn);
      else registry.writeForwarded(id, data, true);
      return;
    case IO_DESTROY:
      registry.destroy(conn);
      return;
    case IO_CORK:
      registry.cork(conn);
      return;
    case IO_UNCORK:
      registry.uncork(conn);
      return;
  }
}
