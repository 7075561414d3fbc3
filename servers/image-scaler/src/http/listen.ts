/**
 * The Listen source: accepts TCP connections, registers each with `io`, frames request heads and starts one flow
 * per request. It runs on the main thread, or under `workers` on every worker (index.ts, sourceModes), each copy
 * with its own connections on one shared port. Requests on one connection run one at a time, in order (HTTP/1.1 pipelining
 * answers in order), and reading pauses while too much is buffered.
 */

import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';
import { io } from '@flux/runtime';
import type { Conn, FlowOutcome, SourceContext } from '@flux/runtime';
import { frameRequest, MAX_HEAD_BYTES } from './request.ts';
import type { HttpRequest } from './request.ts';

/** Connections idle this long between requests are closed. */
const IDLE_TIMEOUT_MS = 60_000;

/** Resolves when `ctx.signal` aborts and every connection has been closed. */
export async function listen(ctx: SourceContext<[Conn, HttpRequest]>): Promise<void> {
  const host = typeof ctx.options['host'] === 'string' ? ctx.options['host'] : '127.0.0.1';
  const port = Number(ctx.options['port'] ?? 0);
  const connections = new Map<Socket, ConnectionControl>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    connections.set(socket, serveConnection(ctx, socket));
    socket.once('close', () => connections.delete(socket));
  });
  // The launcher learns the address from the runtime (FluxServer.listening), on whichever thread this runs.
  await ctx.listen(server, { host, port });

  if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive connections would hold close() open forever: end them now; busy ones after their response.
  for (const control of connections.values()) control.shutdown();
  const deadline = setTimeout(() => { for (const socket of connections.keys()) socket.destroy(); }, 5000);
  await closed;
  clearTimeout(deadline);
}

interface ConnectionControl {
  /** Reads no more requests; ends the connection once the response in progress (if any) is written. */
  shutdown(): void;
}

function serveConnection(ctx: SourceContext<[Conn, HttpRequest]>, socket: Socket): ConnectionControl {
  const conn = io.register(socket);
  // The connection is the session (see image-scaler.flux): its end lets the thread runtime retire its worker.
  socket.once('close', () => ctx.endSession(conn.id));
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
  let buffered: Buffer = Buffer.alloc(0);
  let busy = false;
  let closing = false;
  let shuttingDown = false;
  // Inside `emitThen`: a flow that ends at once (a cache hit) leaves its outcome here for `pump`'s loop, which
  // then goes on without a promise or a nested call per pipelined request.
  let emitting = false;
  let endedAtOnce: FlowOutcome | undefined;
  let current: HttpRequest | undefined;

  const settle = (outcome: FlowOutcome): void => {
    if (outcome.status !== 'ok' && !current!.keepAlive) io.end(conn);
    busy = false;
  };
  const onOutcome = (outcome: FlowOutcome): void => {
    if (emitting) {
      endedAtOnce = outcome;
      return;
    }
    settle(outcome);
    pump();
  };

  /** Starts the buffered requests, one at a time, until one is still running or none is complete. */
  const pump = (): void => {
    while (!busy && !closing && !socket.destroyed) {
      const framed = frameRequest(buffered);
      if (framed.kind === 'partial') break;
      buffered = buffered.subarray(framed.consumed);
      if (!framed.request.keepAlive) {
        // Nothing after a closing request is read.
        closing = true;
        socket.pause();
      }
      busy = true;
      current = framed.request;
      emitting = true;
      ctx.emitThen(onOutcome, conn, framed.request);
      emitting = false;
      const outcome = endedAtOnce;
      if (outcome === undefined) return; // still running: `onOutcome` goes on from there
      endedAtOnce = undefined;
      settle(outcome);
    }
    if (busy) return;
    if (!closing && buffered.length <= MAX_HEAD_BYTES * 4) socket.resume();
    if (shuttingDown) io.end(conn);
  };

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length > MAX_HEAD_BYTES * 4) socket.pause();
    pump();
  });

  return {
    shutdown() {
      shuttingDown = true;
      closing = true;
      socket.pause();
      if (!busy) io.end(conn);
    },
  };
}
