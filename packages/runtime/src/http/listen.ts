/**
 * `listenHttp`: an HTTP/1.1 source. A TCP server whose accepted sockets are registered with `io` (so nodes on any
 * thread can write to them) and each handed to a Connection, which frames request heads and emits one flow per
 * request, `(conn, head)`, in order. One timer sweeps every connection's deadline, so a request costs no timer
 * of its own. It runs where its source runs: the main thread, or under `workers`, for a source declared
 * 'every-thread', on every worker, each copy with its own connections on one shared port (`maxConnections`
 * then holds per copy).
 */

import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Conn, FlowOutcome, SourceContext } from '../api.ts';
import { io } from '../io/index.ts';
import { Connection } from './connection.ts';
import { resolveHttpOptions, sweepInterval, type HttpListenOptions } from './options.ts';
import { simpleResponse } from './response.ts';

/** Where accepted sockets are registered: `io` (the default), or a stand-in in tests. */
export interface SocketRegistry {
  register(socket: Socket): Conn;
}

/**
 * Runs until `ctx.signal` aborts: listens on `options.host` and `options.port` through `ctx.listen`, emits
 * `(conn, head)` per request (the head as a latin1 string, request line and header fields, without the final
 * CRLFCRLF), then stops accepting, closes every connection once its request in progress is answered, and
 * returns. When a connection closes, the session `conn.id` is ended (`ctx.endSession`): a program whose session
 * function is the connection's id gets its per-connection state dropped.
 *
 * The flow answers through `io`, and ends the connection (`io.end`) when the request does not keep it alive;
 * the source closes it anyway after a request it framed as the last one (`Connection: close`, HTTP/1.0, a
 * body it cannot skip), after an `overload` outcome, and when the client has stopped reading for
 * `idleTimeoutMs`.
 */
export async function listenHttp(
  ctx: SourceContext<[conn: Conn, head: string]>,
  options: Partial<HttpListenOptions> = {},
  registry: SocketRegistry = io,
): Promise<void> {
  const resolved = resolveHttpOptions(options);
  const connections = new Set<Connection>();
  const emit = (done: (outcome: FlowOutcome) => void, conn: Conn, head: string) => ctx.emitThen(done, conn, head);
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    if (ctx.signal.aborted) {
      socket.destroy();
      return;
    }
    if (connections.size >= resolved.maxConnections) {
      socket.on('error', () => {});
      socket.end(simpleResponse({ status: 503, server: resolved.serverName, keepAlive: false, headers: [['Retry-After', '1']] }));
      socket.setTimeout(resolved.lingerMs, () => socket.destroy());
      socket.resume();
      return;
    }
    const conn = registry.register(socket);
    const connection = new Connection(socket, conn, resolved, emit);
    connections.add(connection);
    socket.once('close', () => {
      connections.delete(connection);
      ctx.endSession(conn.id);
    });
  });

  // The launcher learns the address from the runtime (FluxServer.listening), on whichever thread this runs.
  await ctx.listen(server, { host: resolved.host, port: resolved.port });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.checkDeadline(now);
  }, sweepInterval(resolved));

  if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const c of connections) c.stop();
  await closed;
  clearInterval(sweep);
}
