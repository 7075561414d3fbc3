/**
 * How `io` reaches connections. On the main thread the registry acts on sockets directly; a worker thread
 * installs a transport that forwards each call to the main thread (src/threads/). A write to a connection that
 * is gone is dropped silently (and returns false).
 */

import type { Conn } from '../api.ts';

export interface IoTransport {
  /** True where sockets live (the main thread's registry); `io.register` and `io.socket` work only there. */
  readonly local: boolean;
  /** False: the connection's write window is full (await `drained`), or it is gone, or the write overflowed. */
  write(conn: Conn, data: string | Uint8Array): boolean;
  /** True once the connection is below its write window; false once it is gone (or after `timeoutMs`). */
  drained(conn: Conn, timeoutMs?: number): Promise<boolean>;
  /** Whether the connection is still open (as far as this thread can tell). */
  connected(conn: Conn): boolean;
  end(conn: Conn, data?: string | Uint8Array): void;
  destroy(conn: Conn): void;
  cork(conn: Conn): void;
  uncork(conn: Conn): void;
}
