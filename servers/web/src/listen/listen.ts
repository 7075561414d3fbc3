/**
 * The Listen source: a TCP server. Each accepted socket is registered with `io` (so nodes on any thread can
 * write to it) and handed to a Connection, which frames requests and emits one flow per request. One timer
 * sweeps every connection's deadline, so a request costs no timer of its own. It runs on the main thread, or
 * under `workers` on every worker (web.ts, sourceModes), each copy with its own connections on one shared port;
 * `maxConnections` then holds per copy.
 */

import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Conn, FlowOutcome, SourceContext } from '@flux/runtime/api.ts';
import { simpleResponse } from '../http/response.ts';
import type { WebOptions } from '../options.ts';
import { Connection } from './connection.ts';

export interface SocketRegistry {
  register(socket: Socket): Conn;
}

/** How often deadlines are checked: a quarter of the shortest timeout, within 5 ms .. 1 s. */
export function sweepInterval(options: Pick<WebOptions, 'headerTimeoutMs' | 'idleTimeoutMs' | 'lingerMs'>): number {
  const shortest = Math.min(options.headerTimeoutMs, options.idleTimeoutMs, Math.max(options.lingerMs, 1));
  return Math.min(1000, Math.max(5, Math.floor(shortest / 4)));
}

/** Runs until `ctx.signal` aborts: listens, serves, then closes every connection and returns. */
export async function listen(ctx: SourceContext<[conn: Conn, head: string]>, options: WebOptions, registry: SocketRegistry): Promise<void> {
  const connections = new Set<Connection>();
  const emit = (done: (outcome: FlowOutcome) => void, conn: Conn, head: string) => ctx.emitThen(done, conn, head);
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    if (ctx.signal.aborted) {
      socket.destroy();
      return;
    }
    if (connections.size >= options.maxConnections) {
      socket.on('error', () => {});
      socket.end(simpleResponse({ status: 503, keepAlive: false, headers: [['Retry-After', '1']] }));
      socket.setTimeout(options.lingerMs, () => socket.destroy());
      socket.resume();
      return;
    }
    const conn = registry.register(socket);
    const connection = new Connection(socket, conn, options, emit);
    connections.add(connection);
    socket.once('close', () => {
      connections.delete(connection);
      ctx.endSession(conn.id);
    });
  });

  // The launcher learns the address from the runtime (FluxServer.listening), on whichever thread this runs.
  await ctx.listen(server, { host: options.host, port: options.port });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.checkDeadline(now);
  }, sweepInterval(options));

  if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const c of connections) c.stop();
  await closed;
  clearInterval(sweep);
}
