/**
 * `io` under `workers`, on every thread: a connection this thread owns is acted on here, in its registry, with
 * no message at all (the per-request case); one another thread owns (a broadcast from a timer's flow, say) is
 * forwarded to it, through the main thread. Forwarded data is copied like the threaded runtimes' io.
 */

import type { Conn } from '../api.ts';
import type { ConnectionRegistry } from '../io/registry.ts';
import type { IoTransport } from '../io/transport.ts';
import type { WriteWindows } from '../io/write-windows.ts';
import { forwardConnected, forwardDrained, forwardWrite } from '../threads/io-forward.ts';
import { IO_CORK, IO_DESTROY, IO_END, IO_UNCORK, type IoOp } from '../threads/protocol.ts';
import { ownerOf } from './conn-ids.ts';

export type Forward = (op: IoOp, id: number, data: string | Uint8Array | undefined) => void;

export class OwnerTransport implements IoTransport {
  readonly local = true;
  private readonly registry: ConnectionRegistry;
  private readonly slot: number;
  private readonly forward: Forward;
  private readonly windows: WriteWindows | null;

  constructor(registry: ConnectionRegistry, slot: number, forward: Forward, windows: WriteWindows | null = null) {
    this.registry = registry;
    this.slot = slot;
    this.forward = forward;
    this.windows = windows;
  }

  write(conn: Conn, data: string | Uint8Array): boolean {
    if (ownerOf(conn.id) === this.slot) return this.registry.write(conn, data);
    return forwardWrite(this.windows, conn, data, false, this.forward);
  }

  drained(conn: Conn, timeoutMs?: number): Promise<boolean> {
    if (ownerOf(conn.id) === this.slot) return this.registry.drained(conn, timeoutMs);
    return forwardDrained(this.windows, conn, timeoutMs);
  }

  connected(conn: Conn): boolean {
    if (ownerOf(conn.id) === this.slot) return this.registry.connected(conn);
    return forwardConnected(this.windows, conn);
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    if (ownerOf(conn.id) === this.slot) this.registry.end(conn, data);
    else if (data === undefined) this.forward(IO_END, conn.id, undefined);
    else forwardWrite(this.windows, conn, data, true, this.forward);
  }

  destroy(conn: Conn): void {
    if (ownerOf(conn.id) === this.slot) this.registry.destroy(conn);
    else this.forward(IO_DESTROY, conn.id, undefined);
  }

  cork(conn: Conn): void {
    if (ownerOf(conn.id) === this.slot) this.registry.cork(conn);
    else this.forward(IO_CORK, conn.id, undefined);
  }

  uncork(conn: Conn): void {
    if (ownerOf(conn.id) === this.slot) this.registry.uncork(conn);
    else this.forward(IO_UNCORK, conn.id, undefined);
  }
}
