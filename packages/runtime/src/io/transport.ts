/**
 * How `io` reaches connections. On the main thread the registry acts on sockets directly; a worker thread
 * installs a transport that forwards each call to the main thread (src/threads/). Every call is
 * fire-and-forget: a write to a connection that is gone is dropped silently.
 */

import type { Conn } from '../api.ts';

export interface IoTransport {
  /** True where sockets live (the main thread's registry); `io.register` and `io.socket` work only there. */
  readonly local: boolean;
  write(conn: Conn, data: string | Uint8Array): void;
  end(conn: Conn, data?: string | Uint8Array): void;
  destroy(conn: Conn): void;
  cork(conn: Conn): void;
  uncork(conn: Conn): void;
}
