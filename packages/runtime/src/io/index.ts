/**
 * `io`: what node code uses to talk to connections, on any thread.
 *
 *   import { io } from '@flux/runtime';
 *   const conn = io.register(socket);   // in a source (where sockets live: main, or a `workers` worker)
 *   io.write(conn, 'hello'); io.end(conn);
 *
 * A facade over a swappable transport: this thread's ConnectionRegistry by default; a `threadpool` / `thread`
 * worker runs `setIoTransport(...)` with one that posts to the main thread (see src/threads/); under `workers`
 * each thread keeps its own registry and posts only io for another thread's connections (src/workers/).
 */

import type { Socket } from 'node:net';
import type { Conn, RegisterOptions } from '../api.ts';
import { codes, FluxError } from '../errors.ts';
import { ConnectionRegistry } from './registry.ts';
import type { IoTransport } from './transport.ts';

/** The registry of this thread (where sources register sockets: the main thread, or a `workers` worker). */
export const registry = new ConnectionRegistry();

let transport: IoTransport = registry;

/** Installs the transport `io` uses on this thread; returns the previous one. */
export function setIoTransport(next: IoTransport): IoTransport {
  const previous = transport;
  transport = next;
  return previous;
}

export function getIoTransport(): IoTransport {
  return transport;
}

function mainOnly(what: string): void {
  if (!transport.local) throw new FluxError(codes.IO_NOT_MAIN, `io.${what} works only on the main thread (where sockets live)`);
}

export const io = {
  /** Adds a socket to the registry and returns its cloneable handle. Where sockets live only (sources). */
  register(socket: Socket, options?: RegisterOptions): Conn {
    mainOnly('register');
    return registry.register(socket, options);
  },
  /** The socket behind a handle, or undefined once it closed. Main thread only. */
  socket(conn: Conn): Socket | undefined {
    mainOnly('socket');
    return registry.socket(conn);
  },
  /**
   * Writes to the connection, from any thread. Returns false once the connection holds a write window (64 KiB)
   * or more that its socket has not flushed: a writer with more to send awaits `io.drained(conn)` first (the
   * same on every runtime). Also false when the connection is gone, or when the write went past the write limit
   * (4 MiB unflushed) and the connection's overflow policy dropped it or closed the connection.
   */
  write(conn: Conn, data: string | Uint8Array): boolean {
    return transport.write(conn, data);
  },
  /**
   * Resolves true once the connection is below its write window again, false once it is gone (or after
   * `timeoutMs` with the window still full: a reader that stopped reading).
   */
  drained(conn: Conn, timeoutMs?: number): Promise<boolean> {
    return transport.drained(conn, timeoutMs);
  },
  /** Whether the connection is still open, as far as this thread can tell. */
  connected(conn: Conn): boolean {
    return transport.connected(conn);
  },
  end(conn: Conn, data?: string | Uint8Array): void {
    transport.end(conn, data);
  },
  destroy(conn: Conn): void {
    transport.destroy(conn);
  },
  cork(conn: Conn): void {
    transport.cork(conn);
  },
  uncork(conn: Conn): void {
    transport.uncork(conn);
  },
};

/** The name under which `start` shares the process's write-window table with every thread. */
export const WRITE_WINDOWS_BUFFER = 'flux.io.write-windows';

export type { IoTransport } from './transport.ts';
export { ConnectionRegistry, WRITE_LIMIT, WRITE_WINDOW } from './registry.ts';
export { WriteWindows } from './write-windows.ts';
