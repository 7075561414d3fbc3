/**
 * The HTTP/1.1 request source, for any server that answers HTTP requests with flows:
 *
 *   import { listenHttp } from '@flux/runtime/http/index.ts';
 *   sources: { Listen: (ctx) => listenHttp(ctx, { host, port, serverName: 'my-server' }) }
 *
 * with a program whose source is `Listen () => (conn: Conn, head: string);`. See the runtime README, "HTTP".
 */

export { listenHttp } from './listen.ts';
export type { SocketRegistry } from './listen.ts';
export { Connection } from './connection.ts';
export type { ConnectionLimits, ConnectionState, EmitRequest } from './connection.ts';
export { HTTP_LIMITS, HTTP_LISTEN_DEFAULTS, resolveHttpOptions, sweepInterval } from './options.ts';
export type { HttpLimits, HttpListenOptions } from './options.ts';
export { scanFraming } from './framing.ts';
export type { Framing } from './framing.ts';
export { hasToken, keepAliveOf } from './headers.ts';
export { connectionHeader, simpleResponse, STATUS_TEXT } from './response.ts';
export type { SimpleResponse } from './response.ts';
export { httpDate } from './date.ts';
