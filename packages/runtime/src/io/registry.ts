/**
 * A thread's connection registry: Conn id -> net.Socket. A socket is forgotten when it closes; after that (or
 * for an id never registered) every operation is a silent no-op, because the client went away.
 *
 * Backpressure (see io/index.ts): a write returns false once the socket holds `WRITE_WINDOW` bytes or more that
 * it has not flushed; past `WRITE_LIMIT` a further write follows the connection's overflow policy instead of
 * queueing. Writes posted by other threads are counted in the process's WriteWindows table until this thread's
 * socket flushes them, so their writers see the same window.
 */

import type { Socket } from 'node:net';
import type { Conn, OverflowPolicy, RegisterOptions } from '../api.ts';
import type { IoTransport } from './transport.ts';
import { OVERFLOW_CLOSE, OVERFLOW_DROP, type WriteWindows } from './write-windows.ts';

/** Bytes a connection may have unflushed before `io.write` returns false (writers should await `io.drained`). */
export const WRITE_WINDOW = 64 * 1024;
/** Bytes a connection may have unflushed before a further write follows its overflow policy. */
export const WRITE_LIMIT = 4 * 1024 * 1024;

interface Entry {
  readonly socket: Socket;
  /** Its row in `windows` (-1: none). */
  readonly row: number;
  readonly windows: WriteWindows | null;
  readonly overflow: OverflowPolicy;
}

export function byteLengthOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

export class ConnectionRegistry implements IoTransport {
  readonly local = true;
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private allocate: (() => number) | null = null;
  private windows: WriteWindows | null = null;
  /** Writes refused by a connection's overflow policy, since this registry began. */
  overflows = 0;

  /**
   * Where new ids come from: a runtime whose threads each keep a registry (`workers`) hands out ids unique
   * across them (session keys are made of them). null: this registry's own counter.
   */
  setIdAllocator(allocate: (() => number) | null): void {
    this.allocate = allocate;
  }

  /** The process's write-window table (null: none), for connections registered from now on. */
  setWriteWindows(windows: WriteWindows | null): void {
    this.windows = windows;
  }

  register(socket: Socket, options: RegisterOptions = {}): Conn {
    const id = this.allocate === null ? this.nextId++ : this.allocate();
    const overflow = options.overflow ?? 'close';
    const windows = this.windows;
    const row = windows === null ? -1 : windows.claim(id, overflow === 'drop' ? OVERFLOW_DROP : OVERFLOW_CLOSE);
    const conn: Conn = { id, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, row };
    this.entries.set(id, { socket, row, windows: row < 0 ? null : windows, overflow });
    socket.once('close', () => {
      this.entries.delete(id);
      if (row >= 0) windows!.release(row, id);
    });
    // A reset by the peer is the client going away, not a server failure: without a listener it would crash.
    socket.on('error', ignore);
    return conn;
  }

  socket(conn: Conn): Socket | undefined {
    return this.entries.get(conn.id)?.socket;
  }

  /** Open connections. */
  get size(): number {
    return this.entries.size;
  }

  write(conn: Conn, data: string | Uint8Array): boolean {
    const entry = this.entries.get(conn.id);
    if (entry === undefined) return false;
    const s = entry.socket;
    if (s.destroyed || !s.writable) return false;
    const queued = s.writableLength;
    if (queued > 0 && queued + byteLengthOf(data) > WRITE_LIMIT) return this.overflow(entry);
    s.write(data);
    return s.writableLength < WRITE_WINDOW;
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    const s = this.writable(conn);
    if (s === undefined) return;
    if (data === undefined) s.end();
    else s.end(data);
  }

  /**
   * Writes data another thread posted (and counted in the window table): the count comes off when the socket
   * has flushed it, or at once when the connection is gone.
   */
  writeForwarded(id: number, data: string | Uint8Array, end: boolean): void {
    const entry = this.entries.get(id);
    const s = entry?.socket;
    const bytes = byteLengthOf(data);
    if (entry === undefined || s === undefined || s.destroyed || !s.writable) {
      if (entry !== undefined && entry.row >= 0) entry.windows!.flushed(entry.row, id, bytes, WRITE_WINDOW);
      return;
    }
    const done = entry.row < 0 ? undefined : () => entry.windows!.flushed(entry.row, id, bytes, WRITE_WINDOW);
    if (end) s.end(data, done);
    else s.write(data, done);
  }

  /** Resolves true once the connection is below its write window, false once it is gone (or after `timeoutMs`). */
  drained(conn: Conn, timeoutMs?: number): Promise<boolean> {
    const s = this.writable(conn);
    if (s === undefined) return Promise.resolve(false);
    if (s.writableLength < WRITE_WINDOW) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        if (timer !== undefined) clearTimeout(timer);
        s.off('drain', onDrain);
        s.off('close', onClose);
        resolve(value);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), timeoutMs);
      s.on('drain', onDrain);
      s.on('close', onClose);
    });
  }

  connected(conn: Conn): boolean {
    const s = this.entries.get(conn.id)?.socket;
    return s !== undefined && !s.destroyed;
  }

  destroy(conn: Conn): void {
    this.entries.get(conn.id)?.socket.destroy();
  }

  cork(conn: Conn): void {
    this.writable(conn)?.cork();
  }

  uncork(conn: Conn): void {
    this.writable(conn)?.uncork();
  }

  /** Open connections that still hold bytes not flushed to the kernel. */
  unflushed(): number {
    let n = 0;
    for (const { socket } of this.entries.values()) if (!socket.destroyed && socket.writableLength > 0) n++;
    return n;
  }

  /**
   * Resolves once every open connection has flushed what was written to it (or closed), or at `deadline`
   * (ms since the epoch): what a graceful stop waits for before the process may exit.
   */
  async flushed(deadline: number): Promise<void> {
    while (this.unflushed() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Destroys every open connection (used when a server stops past its deadline). */
  destroyAll(): void {
    for (const { socket } of this.entries.values()) socket.destroy();
  }

  private overflow(entry: Entry): false {
    this.overflows++;
    if (entry.overflow === 'close') entry.socket.destroy();
    return false;
  }

  private writable(conn: Conn): Socket | undefined {
    const s = this.entries.get(conn.id)?.socket;
    if (s === undefined || s.destroyed || !s.writable) return undefined;
    return s;
  }
}

function ignore(): void {}
