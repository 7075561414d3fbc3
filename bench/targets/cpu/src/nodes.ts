/** The nodes and error handlers of cpu.flux. */

import { io } from '@flux/runtime/io/index.ts';
import { codes } from '@flux/runtime/errors.ts';
import { connectionHeader, simpleResponse } from '@flux/runtime/http/response.ts';
import { httpDate } from '@flux/runtime/http/date.ts';
import type { Conn, DigestRequest } from './types.ts';
import { digestOf } from './digest.ts';
import { readDigestRequest, RequestError } from './request.ts';
import type { CpuOptions } from './options.ts';

/** The `Server` header of every response, the HTTP source's own included. */
export const SERVER = 'flux-cpu';

let options: CpuOptions | undefined;

/** Called by `setup` on every thread that runs flows. */
export function useOptions(next: CpuOptions): void {
  options = next;
}

function current(): CpuOptions {
  if (options === undefined) throw new Error('the CPU server was not set up on this thread');
  return options;
}

export function ReadRequest(conn: Conn, head: string): [Conn, DigestRequest] {
  const o = current();
  return [conn, readDigestRequest(head, o.maxRounds, o.maxDiscardBytes)];
}

/** The CPU-heavy node: synchronous, so it holds its thread for the whole computation. */
export function Digest(conn: Conn, request: DigestRequest): [Conn, DigestRequest, string] {
  return [conn, request, digestOf(request.rounds)];
}

export function Reply(conn: Conn, request: DigestRequest, digest: string): void {
  const body = `${digest}\n`;
  const response = `HTTP/1.1 200 OK\r\nServer: ${SERVER}\r\nDate: ${httpDate()}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\n${connectionHeader(request.version, request.keepAlive)}\r\n${body}`;
  if (request.keepAlive) io.write(conn, response);
  else io.end(conn, response);
}

function answer(conn: Conn, status: number, keepAlive: boolean, headers?: readonly (readonly [string, string])[]): void {
  const bytes = simpleResponse({ status, server: SERVER, keepAlive, headers });
  if (keepAlive) io.write(conn, bytes);
  else io.end(conn, bytes);
}

/** ReadRequest failed: answer with the error's status; a malformed request closes the connection. */
export function BadRequest(error: unknown, conn: Conn, _head: string): void {
  if (!(error instanceof RequestError)) return answer(conn, 400, false);
  answer(conn, error.status, error.keepAlive, error.status === 405 ? [['Allow', 'GET']] : undefined);
}

/** Anything else failed (500), or the runtime refused the flow under overload (503); both close. */
export function ServerError(error: unknown, conn: Conn, _head: string): void {
  if ((error as { code?: unknown } | null)?.code === codes.OVERLOAD) answer(conn, 503, false, [['Retry-After', '1']]);
  else answer(conn, 500, false);
}
