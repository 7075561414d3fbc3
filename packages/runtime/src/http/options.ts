/**
 * The HTTP/1.1 source's options: where it listens, the limits it enforces on every connection, and the name it
 * gives its own error responses. Plain values, so that a server can keep them in its options record (which
 * crosses threads by structured clone) and pass them on.
 */

import { codes, FluxError } from '../errors.ts';

/** What the source enforces on every connection. */
export interface HttpLimits {
  /** Connections open at once (per copy of the source under `workers`); one more is answered 503 and closed. */
  readonly maxConnections: number;
  /** From the first byte of a request head to its end (a slow client gets 408). */
  readonly headerTimeoutMs: number;
  /** A keep-alive connection with no request in progress is closed after this long. */
  readonly idleTimeoutMs: number;
  /** After the source decides to close, how long it still drains what the client sends before hanging up. */
  readonly lingerMs: number;
  /** Longest request line (414 beyond). */
  readonly maxRequestLine: number;
  /** Largest request head, request line included (431 beyond). */
  readonly maxHeaderBytes: number;
  /** Request bodies up to this size (Content-Length) are read and discarded; larger ones close the connection. */
  readonly maxDiscardBytes: number;
}

export interface HttpListenOptions extends HttpLimits {
  readonly host: string;
  /** 0 picks a free port (one port for every copy of the source). */
  readonly port: number;
  /** The `Server` header of the responses the source writes itself (400, 408, 414, 431, 503). */
  readonly serverName: string;
}

export const HTTP_LIMITS: HttpLimits = {
  maxConnections: 1024,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  lingerMs: 1_000,
  maxRequestLine: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxDiscardBytes: 64 * 1024,
};

export const HTTP_LISTEN_DEFAULTS: HttpListenOptions = {
  host: '127.0.0.1',
  port: 0,
  serverName: 'flux',
  ...HTTP_LIMITS,
};

const POSITIVE_INTEGERS = ['maxConnections', 'maxRequestLine', 'maxHeaderBytes'] as const;
const POSITIVE = ['headerTimeoutMs', 'idleTimeoutMs'] as const;
const NON_NEGATIVE = ['lingerMs', 'maxDiscardBytes'] as const;

function bad(message: string): FluxError {
  return new FluxError(codes.BAD_OPTION, `listenHttp: ${message}`);
}

/**
 * `options` over the defaults, checked (FLUX_ERR_BAD_OPTION otherwise), as a fresh object holding only these
 * keys: every connection reads its limits from it, so it has one shape whatever the caller passed (a server's
 * whole options record, say).
 */
export function resolveHttpOptions(options: Partial<HttpListenOptions> = {}): HttpListenOptions {
  const pick = <K extends keyof HttpListenOptions>(key: K): HttpListenOptions[K] => options[key] ?? HTTP_LISTEN_DEFAULTS[key];
  const resolved: HttpListenOptions = {
    host: pick('host'),
    port: pick('port'),
    serverName: pick('serverName'),
    maxConnections: pick('maxConnections'),
    headerTimeoutMs: pick('headerTimeoutMs'),
    idleTimeoutMs: pick('idleTimeoutMs'),
    lingerMs: pick('lingerMs'),
    maxRequestLine: pick('maxRequestLine'),
    maxHeaderBytes: pick('maxHeaderBytes'),
    maxDiscardBytes: pick('maxDiscardBytes'),
  };
  if (typeof resolved.host !== 'string') throw bad(`host must be a string, got ${typeof resolved.host}`);
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) throw bad(`port must be 0..65535, got ${String(resolved.port)}`);
  // Goes into a response head as it is: a token (RFC 9110 10.2.4's product), no line break.
  if (typeof resolved.serverName !== 'string' || !/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(resolved.serverName)) {
    throw bad(`serverName must be printable ASCII, got ${JSON.stringify(resolved.serverName)}`);
  }
  for (const key of POSITIVE_INTEGERS) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw bad(`${key} must be a positive integer, got ${String(resolved[key])}`);
  }
  for (const key of POSITIVE) {
    if (typeof resolved[key] !== 'number' || !(resolved[key] > 0) || !Number.isFinite(resolved[key])) throw bad(`${key} must be a positive number, got ${String(resolved[key])}`);
  }
  for (const key of NON_NEGATIVE) {
    if (typeof resolved[key] !== 'number' || !(resolved[key] >= 0) || !Number.isFinite(resolved[key])) throw bad(`${key} must be a non-negative number, got ${String(resolved[key])}`);
  }
  return resolved;
}

/** How often deadlines are checked: a quarter of the shortest timeout, within 5 ms .. 1 s. */
export function sweepInterval(options: Pick<HttpLimits, 'headerTimeoutMs' | 'idleTimeoutMs' | 'lingerMs'>): number {
  const shortest = Math.min(options.headerTimeoutMs, options.idleTimeoutMs, Math.max(options.lingerMs, 1));
  return Math.min(1000, Math.max(5, Math.floor(shortest / 4)));
}
