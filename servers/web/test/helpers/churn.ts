/**
 * Connection churn against a server, and what a process holds: connections that connect and vanish without
 * being answered, a fixed number in flight, plus readers of a process's open descriptors and resident memory.
 */

import { connect, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';

/** How a churn connection vanishes (taken in turn). */
export const CHURN_KINDS = ['half-request', 'reset', 'request-then-reset'] as const;
export type ChurnKind = (typeof CHURN_KINDS)[number];

export interface ChurnResult {
  /** Connections made, by kind. */
  readonly made: Record<ChurnKind, number>;
  /** Connections that could not connect (refused, reset during the handshake). */
  readonly failed: number;
}

/**
 * `total` connections to `port`, `inFlight` at a time, taking the kinds in turn:
 * - half-request: sends the first half of a request head, then closes;
 * - reset: connects and resets at once (RST, nothing sent);
 * - request-then-reset: sends a whole request for `path`, then resets without reading the answer.
 */
export async function churn(port: number, total: number, inFlight: number, path: string): Promise<ChurnResult> {
  const made: Record<ChurnKind, number> = { 'half-request': 0, reset: 0, 'request-then-reset': 0 };
  let failed = 0;
  let next = 0;
  const request = `GET ${path} HTTP/1.1\r\nHost: churn\r\n\r\n`;
  const half = request.slice(0, Math.floor(request.length / 2));
  const one = async (): Promise<void> => {
    while (next < total) {
      const kind = CHURN_KINDS[next % CHURN_KINDS.length]!;
      next++;
      const ok = await vanish(port, kind, kind === 'half-request' ? half : request);
      if (ok) made[kind]++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, one));
  return { made, failed };
}

/** One churn connection; resolves once its socket is closed on our side (false if it never connected). */
function vanish(port: number, kind: ChurnKind, bytes: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let connected = false;
    socket.on('error', () => {});
    socket.once('close', () => resolve(connected));
    socket.once('connect', () => {
      connected = true;
      if (kind === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      socket.write(bytes, () => {
        if (kind === 'half-request') socket.destroy();
        else socket.resetAndDestroy();
      });
    });
  });
}

/** Open file descriptors of process `pid` (Linux). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Resident memory of process `pid`, in bytes (Linux). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
