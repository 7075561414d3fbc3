/**
 * What every hand-written target process does around its server: listen on 127.0.0.1, announce
 * `<name> listening on http://127.0.0.1:<port>` (the harness's readiness handshake), and exit cleanly on
 * SIGTERM, SIGINT, or, with `exitOnStdinClose`, when the harness that started it goes away.
 */
import type { Server } from 'node:http';

export interface ServeTargetOptions {
  readonly port: number;
  readonly exitOnStdinClose: boolean;
}

export function serveTarget(server: Server, name: string, options: ServeTargetOptions): void {
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
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
