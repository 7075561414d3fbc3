/**
 * A thread's connection registry: Conn id -> net.Socket. A socket is forgotten when it closes; after that (or
 * for an id never registered) every operation is a silent no-op, because the client went away.
 */

import type { Socket } from 'node:net';
import type { Conn } from '../api.ts';
import type { IoTransport } from './transport.ts';

export class ConnectionRegistry implements IoTransport {
  readonly local = true;
  private readonly sockets = new Map<number, Socket>();
  private nextId = 1;
  private allocate: (() => number) | null = null;

  /**
   * Where new ids come from: a runtime whose threads each keep a registry (`workers`) hands out ids unique
   * across them (session keys are made of them). null: this registry's own counter.
   */
  setIdAllocator(allocate: (() => number) | null): void {
    this.allocate = allocate;
  }

  register(socket: Socket): Conn {
    const id = this.allocate === null ? this.nextId++ : this.allocate();
    const conn: Conn = { id, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 };
    this.sockets.set(id, socket);
    socket.once('close', () => this.sockets.delete(id));
    // A reset by the peer is the client going away, not a server failure: without a listener it would crash.
    socket.on('error', ignore);
    return conn;
  }

  socket(conn: Conn): Socket | undefined {
    return this.sockets.get(conn.id);
  }

  /** Open connections. */
  get size(): number {
    return this.sockets.size;
  }

  write(conn: Conn, data: string | Uint8Array): void {
    const s = this.writable(conn);
    if (s !== undefined) s.write(data);
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    const s = this.writable(conn);
    if (s === undefined) return;
    if (data === undefined) s.end();
    else s.end(data);
  }

  destroy(conn: Conn): void {
    const s = this.sockets.get(conn.id);
    if (s !== undefined) s.destroy();
  }

  cork(conn: Conn): void {
    this.writable(conn)?.cork();
  }

  uncork(conn: Conn): void {
    this.writable(conn)?.uncork();
  }

  /** Destroys every open connection (used when a server stops past its deadline). */
  destroyAll(): void {
    for (const s of this.sockets.values()) s.destroy();
  }

  private writable(conn: Conn): Socket | undefined {
    const s = this.sockets.get(conn.id);
    if (s === undefined || s.destroyed || !s.writable) return undefined;
    return s;
  }
}

function ignore(): void {}
