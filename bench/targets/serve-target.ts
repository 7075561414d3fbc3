/**
 * What every hand-written target process does around its server (node:http or plain node:net): listen on
 * 127.0.0.1, announce `<name> listening on http://127.0.0.1:<port>` (the harness's readiness handshake), and
 * exit cleanly on SIGTERM, SIGINT, or, with `exitOnStdinClose`, when the harness that started it goes away.
 */
import type { Server, Socket } from 'node:net';

export interface ServeTargetOptions {
  readonly port: number;
  readonly exitOnStdinClose: boolean;
}

export function serveTarget(server: Server, name: string, options: ServeTargetOptions): void {
  // Tracked here rather than with http.Server's closeAllConnections, which a net.Server does not have.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    for (const socket of sockets) socket.destroy();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (options.exitOnStdinClose) process.stdin.on('end', stop).on('close', stop).resume();
  server.listen({ host: '127.0.0.1', port: options.port }, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    console.log(`${name} listening on http://127.0.0.1:${port}`);
  });
}
