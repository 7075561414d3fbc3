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
import type { Conn } from '../api.ts';
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
  /** Adds a socket to the registry and returns its cloneable handle. Main thread only (sources). */
  register(socket: Socket): Conn {
    mainOnly('register');
    return registry.register(socket);
  },
  /** The socket behind a handle, or undefined once it closed. Main thread only. */
  socket(conn: Conn): Socket | undefined {
    mainOnly('socket');
    return registry.socket(conn);
  },
  write(conn: Conn, data: string | Uint8Array): void {
    transport.write(conn, data);
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

export type { IoTransport } from './transport.ts';
export { ConnectionRegistry } from './registry.ts';
