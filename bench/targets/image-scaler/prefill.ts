/**
 * Prefilling a target's cache with the hot keys before its first run, so that an all-hit mix is all hits: every
 * path asked for once (four at a time, a connection each, `Connection: close`), the answers read and dropped.
 * Used by the image load process and by the wrk client of the all-hit mode (wrk-all-hit.ts).
 */
import { connect } from 'node:net';

/** Asks every path once and waits for all the answers; a request that takes over `timeoutMs` is given up. */
export async function prefillAll(host: string, port: number, paths: readonly string[], timeoutMs = 120_000): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]!;
      await new Promise<void>((resolve) => {
        const socket = connect({ host, port });
        socket.setTimeout(timeoutMs, () => socket.destroy());
        socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`));
        socket.resume();
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
  };
  await Promise.all([one(), one(), one(), one()]);
}
