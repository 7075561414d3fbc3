import { createServer } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago, for targets that cannot listen on port 0 and report back
 * (nginx). Another process could take it in between; the target then fails to start with a clear error.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
