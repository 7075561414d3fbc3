/**
 * `io` across threads. On a worker, ForwardingTransport turns each io call into a message to the main thread
 * (through the worker's Outbox, so it is ordered before the flow's `done`). On the main thread, applyIo
 * performs it on the connection registry. Data is copied by structured clone; nothing waits for the write.
 */

import type { Conn } from '../api.ts';
import type { IoTransport } from '../io/transport.ts';
import type { FromWorker, IoOp, Outbox } from './protocol.ts';

export class ForwardingTransport implements IoTransport {
  readonly local = false;
  private readonly outbox: Outbox<FromWorker>;

  constructor(outbox: Outbox<FromWorker>) {
    this.outbox = outbox;
  }

  write(conn: Conn, data: string | Uint8Array): void {
    this.outbox.post({ t: 'io', op: 'write', conn: conn.id, data });
  }

  end(conn: Conn, data?: string | Uint8Array): void {
    this.outbox.post({ t: 'io', op: 'end', conn: conn.id, data });
  }

  destroy(conn: Conn): void {
    this.outbox.post({ t: 'io', op: 'destroy', conn: conn.id, data: undefined });
  }

  cork(conn: Conn): void {
    this.outbox.post({ t: 'io', op: 'cork', conn: conn.id, data: undefined });
  }

  uncork(conn: Conn): void {
    this.outbox.post({ t: 'io', op: 'uncork', conn: conn.id, data: undefined });
  }
}

/** Performs a forwarded io call on the main thread's transport (the registry). */
export function applyIo(transport: IoTransport, op: IoOp, id: number, data: string | Uint8Array | undefined): void {
  // The registry looks connections up by id only; the other fields are for node code.
  const conn: Conn = { id, remoteAddress: '', remotePort: 0 };
  switch (op) {
    case 'write':
      if (data !== undefined) transport.write(conn, data);
      return;
    case 'end':
      transport.end(conn, data);
      return;
    case 'destroy':
      transport.destroy(conn);
      return;
    case 'cork':
      transport.cork(conn);
      return;
    case 'uncork':
      transport.uncork(conn);
      return;
  }
}
